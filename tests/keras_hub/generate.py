"""Scripts that build every supported keras_hub family with small random configurations.

``generate_scripts(seed, n)`` returns ``{script_id: source}``: for each family, ``n`` scripts
with hyperparameters drawn from a seeded generator (so a CI failure reproduces: the same seed
gives the same scripts), each building the family's backbone and its tasks with
``preprocessor=None`` and printing their summaries, then the names Keras gives a few new
layers (the automatic-name counters must agree too). Real keras_hub runs them
(``tests/differential/keras_reference.py``) and nncalc must print the same text.
"""

from __future__ import annotations

import random

TAIL = ("import keras\n"
        "print(keras.layers.Dropout(0.1).name, keras.layers.Dense(3).name, keras.layers.LayerNormalization().name,\n"
        "      keras.layers.EinsumDense('ab,bc->ac', 3).name, keras.layers.Softmax().name)\n")


def _heads(rng, max_heads=4):
    """(query heads, key/value heads dividing them)."""
    heads = rng.choice([1, 2, 4][:max_heads])
    return heads, rng.choice([h for h in (1, 2, 4) if heads % h == 0])


def _args(config: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in config.items())


def _lm(backbone: str, config: dict, task: str | None, extra: str = "") -> str:
    source = f"import keras_hub\nbackbone = keras_hub.models.{backbone}({_args(config)})\nbackbone.summary()\n"
    if task:
        source += f"keras_hub.models.{task}(backbone=backbone, preprocessor=None{extra}).summary()\n"
    return source


def llama(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=q * rng.choice([4, 8]), intermediate_dim=rng.randint(8, 40),
                  tie_word_embeddings=rng.random() < 0.3)
    if rng.random() < 0.5:
        config.update(rope_frequency_adjustment_factor=8.0, rope_low_freq_factor=1.0, rope_high_freq_factor=4.0,
                      rope_pretraining_sequence_length=64)
    return _lm(rng.choice(["LlamaBackbone", "Llama3Backbone"]), config, None) + (
        "keras_hub.models.LlamaCausalLM(backbone=backbone, preprocessor=None).summary()\n")


def mistral(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=q * 8, intermediate_dim=rng.randint(8, 40),
                  head_dim=rng.choice([None, 4, 8, 12]), sliding_window=rng.choice([None, 16]))
    return _lm("MistralBackbone", config, "MistralCausalLM")


def qwen(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=q * 8, intermediate_dim=rng.randint(8, 40),
                  tie_word_embeddings=rng.random() < 0.5)
    return _lm(rng.choice(["QwenBackbone", "Qwen2Backbone"]), config, "QwenCausalLM")


def qwen3(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, head_dim=rng.choice([4, 8, 16]), hidden_dim=q * 8,
                  intermediate_dim=rng.randint(8, 40), tie_word_embeddings=rng.random() < 0.5)
    return _lm("Qwen3Backbone", config, "Qwen3CausalLM")


def phi3(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=q * 8, intermediate_dim=rng.randint(8, 40))
    if rng.random() < 0.5:
        config.update(rope_scaling_type="su", rope_scaling_short_factor=[1.0] * 4,
                      rope_scaling_long_factor=[2.0] * 4, max_sequence_length=128, pretraining_sequence_length=64)
    return _lm("Phi3Backbone", config, "Phi3CausalLM")


def gemma(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 4), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=rng.choice([16, 24, 32]), intermediate_dim=2 * rng.randint(4, 20),
                  head_dim=rng.choice([4, 8]))
    if rng.random() < 0.6:  # Gemma 2
        config.update(use_post_ffw_norm=True, use_post_attention_norm=True, attention_logit_soft_cap=50.0,
                      final_logit_soft_cap=30.0, use_sliding_window_attention=True, sliding_window_size=8,
                      query_head_dim_normalize=rng.random() < 0.5, dropout=rng.choice([0, 0.1]))
    return _lm("GemmaBackbone", config, "GemmaCausalLM")


def gemma3(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), image_size=16, num_layers=rng.randint(1, 7),
                  num_query_heads=q, num_key_value_heads=kv, hidden_dim=rng.choice([16, 32]),
                  intermediate_dim=rng.randint(8, 40), head_dim=rng.choice([4, 8]),
                  use_query_key_norm=rng.random() < 0.7, use_post_ffw_norm=rng.random() < 0.5,
                  use_post_attention_norm=rng.random() < 0.5, use_sliding_window_attention=rng.random() < 0.5,
                  sliding_window_size=8)
    if rng.random() < 0.3:
        config.update(is_embedding_model=True, pooling_intermediate_dim=rng.randint(8, 40),
                      embedding_dim=rng.randint(8, 40))
        return _lm("Gemma3Backbone", config, None)
    return _lm("Gemma3Backbone", config, "Gemma3CausalLM")


def mixtral(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=q * 8, intermediate_dim=rng.randint(8, 40),
                  num_experts=rng.randint(2, 5), top_k=2)
    return _lm("MixtralBackbone", config, "MixtralCausalLM")


def qwen_moe(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=q * 8, intermediate_dim=rng.randint(8, 40),
                  moe_intermediate_dim=rng.randint(4, 16), shared_expert_intermediate_dim=rng.randint(8, 40),
                  num_experts=rng.randint(2, 5), top_k=2, norm_top_k_prob=rng.random() < 0.5,
                  decoder_sparse_step=rng.choice([1, 2]), mlp_only_layers=rng.choice([[], [0], [1]]))
    return _lm("QwenMoeBackbone", config, "QwenMoeCausalLM")


def qwen3_moe(rng):
    q, kv = _heads(rng)
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_query_heads=q,
                  num_key_value_heads=kv, hidden_dim=q * 8, intermediate_dim=rng.randint(8, 40),
                  moe_intermediate_dim=rng.randint(4, 16), num_experts=rng.randint(2, 5), top_k=2,
                  head_dim=rng.choice([None, 8]), norm_top_k_prob=rng.random() < 0.5,
                  decoder_sparse_step=rng.choice([1, 2]), mlp_only_layers=rng.choice([None, [0]]))
    return _lm("Qwen3MoeBackbone", config, "Qwen3MoeCausalLM")


def gpt2(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40), max_sequence_length=rng.randint(8, 40))
    return _lm("GPT2Backbone", config, "GPT2CausalLM")


def opt(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40), max_sequence_length=rng.randint(8, 40))
    return _lm("OPTBackbone", config, "OPTCausalLM")


def gpt_neo_x(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40), rotary_percentage=rng.choice([0.25, 0.5, 1.0]))
    return _lm("GPTNeoXBackbone", config, "GPTNeoXCausalLM")


def falcon(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_attention_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40))
    return _lm("FalconBackbone", config, "FalconCausalLM")


def bert(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40), max_sequence_length=rng.randint(8, 40),
                  num_segments=rng.choice([1, 2, 3]))
    return (_lm("BertBackbone", config, "BertMaskedLM")
            + f"keras_hub.models.BertTextClassifier(backbone, num_classes={rng.randint(2, 5)}, preprocessor=None)"
              ".summary()\n")


def roberta(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40), max_sequence_length=rng.randint(8, 40))
    return (_lm("RobertaBackbone", config, "RobertaMaskedLM")
            + f"keras_hub.models.RobertaTextClassifier(backbone, num_classes={rng.randint(2, 5)}, preprocessor=None)"
              ".summary()\n")


def t5(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40), key_value_dim=rng.choice([None, 4]),
                  use_gated_activation=rng.random() < 0.5, tie_embedding_weights=rng.random() < 0.5,
                  activation=rng.choice(["relu", "gelu"]))
    return _lm("T5Backbone", config, "T5Seq2SeqLM")


def vit(rng):
    heads = rng.choice([1, 2, 4])
    patch = rng.choice([4, 8])
    config = dict(image_shape=(patch * rng.randint(1, 4), patch * rng.randint(1, 4), 3), patch_size=patch,
                  num_layers=rng.randint(1, 3), num_heads=heads, hidden_dim=heads * 8, mlp_dim=rng.randint(8, 40),
                  use_class_token=rng.random() < 0.7, use_patch_bias=rng.random() < 0.7,
                  use_mha_bias=rng.random() < 0.7, use_mlp_bias=rng.random() < 0.7)
    pooling = "token" if config["use_class_token"] and rng.random() < 0.5 else "gap"
    return _lm("ViTBackbone", config, "ViTImageClassifier",
               f", num_classes={rng.randint(2, 9)}, pooling={pooling!r}, "
               f"intermediate_dim={rng.choice([None, 12])!r}")


def whisper(rng):
    heads = rng.choice([1, 2, 4])
    config = dict(vocabulary_size=rng.randint(20, 120), num_layers=rng.randint(1, 3), num_heads=heads,
                  hidden_dim=heads * 8, intermediate_dim=rng.randint(8, 40), num_mels=rng.randint(4, 16),
                  max_encoder_sequence_length=2 * rng.randint(8, 30), max_decoder_sequence_length=rng.randint(8, 30))
    return _lm("WhisperBackbone", config, None)


def clip(rng):
    heads = rng.choice([1, 2, 4])
    patch = rng.choice([4, 8])
    size = patch * rng.randint(1, 4)
    vision = dict(patch_size=patch, hidden_dim=heads * 8, num_layers=rng.randint(1, 3), num_heads=heads,
                  intermediate_dim=rng.randint(8, 40), image_shape=(size, size, 3),
                  intermediate_activation=rng.choice(["quick_gelu", "gelu"]))
    text = dict(vocabulary_size=rng.randint(20, 120), embedding_dim=heads * 8, hidden_dim=heads * 8,
                num_layers=rng.randint(1, 3), num_heads=heads, intermediate_dim=rng.randint(8, 40),
                max_sequence_length=rng.randint(8, 40))
    return ("import keras_hub\n"
            f"vision = keras_hub.models.CLIPVisionEncoder({_args(vision)})\n"
            f"text = keras_hub.models.CLIPTextEncoder({_args(text)})\n"
            "vision.summary()\ntext.summary()\n"
            f"keras_hub.models.CLIPBackbone(vision, text, projection_dim={rng.randint(4, 24)}).summary()\n")


FAMILIES = {f.__name__: f for f in (llama, mistral, qwen, qwen3, phi3, gemma, gemma3, mixtral, qwen_moe, qwen3_moe,
                                    gpt2, opt, gpt_neo_x, falcon, bert, roberta, t5, vit, whisper, clip)}


def generate_scripts(seed: int, n: int) -> dict:
    """``{"<family>_<i>": source}``: ``n`` seeded scripts per family."""
    rng = random.Random(seed)
    return {f"{name}_{i}": family(rng) + TAIL for name, family in FAMILIES.items() for i in range(n)}
