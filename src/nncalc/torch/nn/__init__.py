"""``torch.nn``: modules, parameters and ``functional`` on symbolic tensors."""

from . import functional
from .module import Module, ModuleDict, ModuleList, Parameter, ParameterList, Sequential
from .modules import (GELU, Conv1d, Conv2d, Dropout, Embedding, Identity, LayerNorm, Linear, ReLU,
                      RMSNorm, Sigmoid, SiLU, Tanh)

__all__ = ["functional", "Module", "ModuleDict", "ModuleList", "Parameter", "ParameterList", "Sequential",
           "GELU", "Conv1d", "Conv2d", "Dropout", "Embedding", "Identity", "LayerNorm", "Linear", "ReLU",
           "RMSNorm", "Sigmoid", "SiLU", "Tanh"]
