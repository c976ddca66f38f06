"""One module per model family, each written from transformers' modeling code.

``FAMILIES`` maps a config's ``model_type`` to the module that builds it (imported on use).
"""

FAMILIES = {
    "llama": "llama", "mistral": "llama", "qwen2": "llama", "qwen3": "llama", "gemma": "llama",
    "gemma2": "llama", "gemma3_text": "llama", "phi3": "llama",
    "mixtral": "moe", "qwen2_moe": "moe", "qwen3_moe": "moe",
    "deepseek_v2": "deepseek", "deepseek_v3": "deepseek",
    "gpt2": "gpt2", "gpt_neox": "gpt_neox", "opt": "opt", "falcon": "falcon",
}


def family_module(model_type: str):
    import importlib

    return importlib.import_module(f"{__name__}.{FAMILIES[model_type]}")
