"""keras_hub's tasks: a backbone wrapped into a trainable model (``CausalLM``, ``MaskedLM`` ...).

A task is a functional model too: ``GemmaCausalLM(backbone)`` calls the backbone on its own
inputs (one nested-model row) and adds its head, as keras_hub does; its ``__init__`` compiles
it with keras_hub's defaults. ``summary()`` draws 108 columns by default (keras_hub's
``Task.summary``) and first a "Preprocessor" table when the task has a preprocessor.
"""

from __future__ import annotations

from ...core.functional import Functional
from ...keras import losses, metrics, optimizers
from .backbone import classproperty

_metrics = metrics  # (`metrics` is also compile()'s argument)


class Task(Functional):
    """The base of every task: ``backbone``, ``preprocessor``, compiled at construction."""

    backbone_cls = None
    preprocessor_cls = None

    def __init__(self, *args, compile=True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.backbone is not None:
            self._dtype_policy = self.backbone.dtype_policy
        if compile:
            self.compile()

    @property
    def backbone(self):
        return self.__dict__.get("_backbone")

    @backbone.setter
    def backbone(self, value):
        self._backbone = value

    @property
    def preprocessor(self):
        return self.__dict__.get("_preprocessor")

    @preprocessor.setter
    def preprocessor(self, value):
        if value is not None:
            from ...errors import Unsupported

            raise Unsupported(f"{type(self).__name__}: a preprocessor (tokenizer) is not supported by nncalc "
                              "yet; pass preprocessor=None")
        self._preprocessor = value

    def build(self, input_shape=None):
        self.built = True

    @classproperty
    def presets(cls):
        """The built-in presets usable by this task: name -> metadata."""
        from .preset_utils import builtin_presets

        return builtin_presets(cls.backbone_cls) if cls.backbone_cls is not None else {}

    @classmethod
    def from_preset(cls, preset, load_weights=True, **kwargs):
        """The task on the preset's backbone (``load_weights`` accepted; nothing is loaded)."""
        from .preset_utils import load_task

        return load_task(cls, preset, **kwargs)

    def summary(self, line_length=None, positions=None, print_fn=None, **kwargs):
        """Keras' summary at 108 columns unless told otherwise (keras_hub's ``Task.summary``)."""
        super().summary(line_length=line_length or 108, positions=positions, print_fn=print_fn, **kwargs)


class CausalLM(Task):
    """Next-token prediction; compiled with Adam(2e-5), sparse cross-entropy from logits."""

    def compile(self, optimizer="auto", loss="auto", *, weighted_metrics="auto", sampler="top_k", **kwargs):
        if optimizer == "auto":
            optimizer = optimizers.Adam(2e-5)
        if loss == "auto":
            loss = losses.SparseCategoricalCrossentropy(from_logits=True)
        if weighted_metrics == "auto":
            weighted_metrics = [metrics.SparseCategoricalAccuracy()]
        super().compile(optimizer=optimizer, loss=loss, weighted_metrics=weighted_metrics, **kwargs)
        self.sampler = sampler

    def generate(self, inputs, max_length=None, stop_token_ids="auto", strip_prompt=False):
        """Accepted; nothing is generated: the result has no value (said if it is used)."""
        from ...core.model import NoValue

        return NoValue(f"model '{self.name}'.generate()")


class ReversedEmbeddingLM(CausalLM):
    """A CausalLM whose head is the backbone's token embedding reversed (logits = h · Eᵀ, or the
    untied ``reverse_embeddings``): keras_hub's Llama, Mistral, Qwen, Gemma, Phi-3 ... LMs."""

    def __init__(self, backbone, preprocessor=None, **kwargs):
        self.backbone = backbone
        self.preprocessor = preprocessor
        inputs = backbone.input
        hidden_states = backbone(inputs)
        outputs = backbone.token_embedding(hidden_states, reverse=True)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)


class Seq2SeqLM(CausalLM):
    """Encoder-decoder generation (T5): a CausalLM with an encoder."""


class MaskedLM(Task):
    """Masked-token prediction; compiled with Adam(5e-5), sparse cross-entropy from logits."""

    def _build_masked_lm(self, backbone, preprocessor, sequence_output, kwargs):
        """keras_hub's BERT/RoBERTa MaskedLM graph: the backbone's inputs plus ``mask_positions``,
        a ``mlm_head`` (MaskedLMHead on the backbone's token embedding, GELU) on the sequence
        output (``sequence_output`` picks it from the backbone's outputs)."""
        from ..layers.masked_lm_head import MaskedLMHead
        from .backbone import sequence_input

        self.backbone = backbone
        self.preprocessor = preprocessor
        self.masked_lm_head = MaskedLMHead(vocabulary_size=backbone.vocabulary_size,
                                           token_embedding=backbone.token_embedding, intermediate_activation="gelu",
                                           dtype=backbone.dtype_policy, name="mlm_head")
        inputs = {**backbone.input, "mask_positions": sequence_input("mask_positions")}
        outputs = self.masked_lm_head(sequence_output(backbone(backbone.input)), inputs["mask_positions"])
        Task.__init__(self, inputs=inputs, outputs=outputs, **kwargs)

    def compile(self, optimizer="auto", loss="auto", *, weighted_metrics="auto", **kwargs):
        if optimizer == "auto":
            optimizer = optimizers.Adam(5e-05)
        if loss == "auto":
            loss = losses.SparseCategoricalCrossentropy(from_logits=True)
        if weighted_metrics == "auto":
            weighted_metrics = [metrics.SparseCategoricalAccuracy()]
        super().compile(optimizer=optimizer, loss=loss, weighted_metrics=weighted_metrics, **kwargs)


class _Classifier(Task):
    """Classification tasks' compile: Adam(5e-5), sparse cross-entropy (from logits unless the
    head's activation is softmax), sparse categorical accuracy."""

    def compile(self, optimizer="auto", loss="auto", *, metrics="auto", **kwargs):
        if optimizer == "auto":
            optimizer = optimizers.Adam(5e-05)
        if loss == "auto":
            loss = losses.SparseCategoricalCrossentropy(from_logits=getattr(self, "activation", None) != "softmax")
        if metrics == "auto":
            metrics = [_metrics.SparseCategoricalAccuracy()]
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)


class TextClassifier(_Classifier):
    """Sequence classification (keras_hub's ``TextClassifier``)."""


class ImageClassifier(_Classifier):
    """Image classification (keras_hub's ``ImageClassifier``)."""
