"""Hugging Face config front door: ``nncalc summary config.json`` (or a model directory, or
a local Hugging Face cache entry) builds, with :mod:`nncalc.torch`, the module tree
transformers builds for the config's ``model_type`` (same parameter names and shapes, tied
weights once) and derives parameters, FLOPs, KV cache and memory from it. Nothing is
downloaded; torch and transformers are not needed.
"""

from .families import FAMILIES


def is_hf_config(path: str) -> bool:
    """True when ``path`` is a HF config.json, a directory holding one, or a cache entry."""
    if path.endswith(".py"):
        return False
    from .config import config_path

    return config_path(path) is not None


def build(config: dict):
    """The ``<Family>ForCausalLM`` module for a config dict (module paths assigned)."""
    from .config import Config, HFConfigError
    from .families import family_module

    model_type = config.get("model_type")
    if model_type not in FAMILIES:
        known = ", ".join(sorted(FAMILIES))
        raise HFConfigError(f"model_type {model_type!r} is not supported by nncalc yet (supported: {known})")
    module = family_module(model_type)
    aliases = getattr(module, "ALIASES", {}).get(model_type)
    model = module.build(Config(config, module.DEFAULTS[model_type], aliases), model_type)
    return model.assign_paths()


__all__ = ["FAMILIES", "is_hf_config", "build"]
