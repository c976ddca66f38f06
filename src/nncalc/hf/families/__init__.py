"""One module per model family, each written from transformers' modeling code.

``FAMILIES`` maps a config's ``model_type`` to the module that builds it (imported on use).
"""

FAMILIES = {
    "llama": "llama", "mistral": "llama", "qwen2": "llama", "qwen3": "llama", "gemma": "llama",
    "gemma2": "llama", "gemma3_text": "llama", "phi3": "llama",
    "mixtral": "moe", "qwen2_moe": "moe", "qwen3_moe": "moe",
    "deepseek_v2": "deepseek", "deepseek_v3": "deepseek",
    "gpt2": "gpt2", "gpt_neox": "gpt_neox", "opt": "opt", "falcon": "falcon", "bert": "bert", "roberta": "bert",
    "vit": "vit",
}


# transformers' class-name prefix of each family; a module's class in the table is the prefix
# and its role (see display_class).
PREFIX = {"llama": "Llama", "mistral": "Mistral", "qwen2": "Qwen2", "qwen3": "Qwen3", "gemma": "Gemma",
          "gemma2": "Gemma2", "gemma3_text": "Gemma3", "phi3": "Phi3", "mixtral": "Mixtral", "qwen2_moe": "Qwen2Moe",
          "qwen3_moe": "Qwen3Moe", "deepseek_v2": "DeepseekV2", "deepseek_v3": "DeepseekV3", "gpt2": "GPT2",
          "gpt_neox": "GPTNeoX", "opt": "OPT", "falcon": "Falcon", "bert": "Bert", "roberta": "Roberta", "vit": "ViT"}
SPECIAL = {("gemma3_text", "Model"): "Gemma3TextModel", ("gpt2", "DecoderLayer"): "GPT2Block",
           ("gpt_neox", "DecoderLayer"): "GPTNeoXLayer", ("deepseek_v2", "SparseMoeBlock"): "DeepseekV2Moe",
           ("deepseek_v3", "SparseMoeBlock"): "DeepseekV3MoE", ("deepseek_v2", "TopKRouter"): "DeepseekV2TopkRouter",
           ("deepseek_v3", "TopKRouter"): "DeepseekV3TopkRouter"}
ROLE_NAMES = {"ScaledEmbedding": "TextScaledWordEmbedding"}


def display_class(module, family: str) -> str:
    """The class transformers uses for ``module`` (``LlamaAttention``); torch's own modules
    (Linear, Embedding, LayerNorm, ModuleList) and the root keep their names."""
    role = module.__dict__.get("role") or getattr(type(module), "role", None)
    if role is None:
        return getattr(module, "class_name", None) or type(module).__name__
    return SPECIAL.get((family, role)) or PREFIX[family] + ROLE_NAMES.get(role, role)


def family_module(model_type: str):
    import importlib

    return importlib.import_module(f"{__name__}.{FAMILIES[model_type]}")
