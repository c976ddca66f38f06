"""``keras_hub.models``: backbones and tasks of the supported families, imported on first use.

One module per keras_hub family (``llama``, ``gemma`` ...), each holding the family's
backbone, tasks and layers; :data:`CLASSES` says where each public name lives.
"""

from __future__ import annotations

import importlib

from ...keras._unsupported import unsupported_attribute

# public name -> module of this package that defines it
CLASSES = {
    "Backbone": "backbone",
    "Task": "task", "CausalLM": "task", "Seq2SeqLM": "task", "MaskedLM": "task", "TextClassifier": "task",
    "ImageClassifier": "task",
    **{name: "llama" for name in ("LlamaBackbone", "LlamaCausalLM", "Llama3Backbone", "Llama3CausalLM")},
    **{name: "mistral" for name in ("MistralBackbone", "MistralCausalLM")},
    **{name: "qwen" for name in ("QwenBackbone", "QwenCausalLM", "Qwen2Backbone", "Qwen2CausalLM")},
    **{name: "qwen3" for name in ("Qwen3Backbone", "Qwen3CausalLM")},
    **{name: "phi3" for name in ("Phi3Backbone", "Phi3CausalLM")},
    **{name: "gemma" for name in ("GemmaBackbone", "GemmaCausalLM")},
    **{name: "gemma3" for name in ("Gemma3Backbone", "Gemma3CausalLM")},
    **{name: "t5" for name in ("T5Backbone", "T5Seq2SeqLM")},
    **{name: "vit" for name in ("ViTBackbone", "ViTImageClassifier")},
    "WhisperBackbone": "whisper",
    **{name: "clip" for name in ("CLIPBackbone", "CLIPVisionEncoder", "CLIPTextEncoder")},
    **{name: "mixtral" for name in ("MixtralBackbone", "MixtralCausalLM")},
    **{name: "qwen_moe" for name in ("QwenMoeBackbone", "QwenMoeCausalLM")},
    **{name: "qwen3_moe" for name in ("Qwen3MoeBackbone", "Qwen3MoeCausalLM")},
    **{name: "gpt2" for name in ("GPT2Backbone", "GPT2CausalLM")},
    **{name: "gpt_neo_x" for name in ("GPTNeoXBackbone", "GPTNeoXCausalLM")},
    **{name: "falcon" for name in ("FalconBackbone", "FalconCausalLM")},
    **{name: "opt" for name in ("OPTBackbone", "OPTCausalLM")},
    **{name: "bert" for name in ("BertBackbone", "BertMaskedLM", "BertTextClassifier", "BertClassifier")},
    **{name: "roberta" for name in ("RobertaBackbone", "RobertaMaskedLM", "RobertaTextClassifier",
                                    "RobertaClassifier")},
}


def __getattr__(name: str):
    if name in CLASSES:
        return getattr(importlib.import_module(f"{__name__}.{CLASSES[name]}"), name)
    return unsupported_attribute("keras_hub.models", name)


def __dir__():
    return sorted(set(globals()) | set(CLASSES))
