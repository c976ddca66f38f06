"""ViT (keras_hub ``models/vit``): ``ViTBackbone``, ``ViTImageClassifier``.

Backbone graph: ``images`` → ``vit_patching_and_embedding`` (ViTPatchingAndEmbedding: a
``patch_embedding`` Conv2D with kernel = stride = patch (P·P·C·d (+ d)), a ``class_token``
(1, 1, d), a ``position_embedding`` of (patches + 1) × d) → ``vit_encoder`` (ViTEncoder:
``transformer_block_i`` = LayerNorm, MultiHeadAttention, LayerNorm, MLP d → mlp_dim (GELU) → d;
then a final LayerNorm ``ln``). Output (batch, patches + 1, d).
"""

from __future__ import annotations

from ...keras import layers, ops
from ..layers.base import HubLayer, build_layer
from .backbone import Backbone
from .task import ImageClassifier


class MLP(HubLayer):
    def __init__(self, hidden_dim, mlp_dim, use_bias=True, dropout_rate=0.0, **kwargs):
        super().__init__(**kwargs)
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.use_bias = use_bias
        self.dropout_rate = dropout_rate

    def build(self, input_shape):
        self.dense_1 = build_layer(layers.Dense(units=self.mlp_dim, use_bias=self.use_bias, activation="gelu",
                                                dtype=self.dtype_policy, name="dense_1"), input_shape)
        self.dense_2 = build_layer(layers.Dense(units=self.hidden_dim, use_bias=self.use_bias,
                                                dtype=self.dtype_policy, name="dense_2"), (None, None, self.mlp_dim))
        self.dropout = layers.Dropout(self.dropout_rate, dtype=self.dtype_policy, name="dropout")
        self.built = True

    def call(self, inputs):
        return self.dropout(self.dense_2(self.dropout(self.dense_1(inputs))))


class ViTPatchingAndEmbedding(HubLayer):
    def __init__(self, image_size, patch_size, hidden_dim, num_channels=3, use_class_token=True, use_patch_bias=True,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        grid_size = tuple(s // p for s, p in zip(image_size, patch_size))
        self.num_patches = grid_size[0] * grid_size[1]
        self.num_positions = self.num_patches + 1 if use_class_token else self.num_patches
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.num_channels = num_channels
        self.use_class_token = use_class_token
        self.use_patch_bias = use_patch_bias
        self.data_format = data_format or "channels_last"

    def build(self, input_shape):
        if self.use_class_token:
            self.class_token = self.add_weight(shape=(1, 1, self.hidden_dim), dtype=self.variable_dtype,
                                               name="class_token")
        self.patch_embedding = build_layer(layers.Conv2D(
            filters=self.hidden_dim, kernel_size=self.patch_size, strides=self.patch_size, padding="valid",
            dtype=self.dtype_policy, data_format=self.data_format, use_bias=self.use_patch_bias,
            name="patch_embedding"), input_shape)
        self.position_embedding = build_layer(layers.Embedding(self.num_positions, self.hidden_dim,
                                                               dtype=self.dtype_policy, name="position_embedding"),
                                              (1, self.num_positions))
        self.position_ids = ops.expand_dims(ops.arange(self.num_positions), axis=0)
        self.built = True

    def call(self, inputs):
        patches = self.patch_embedding(inputs)
        if self.data_format == "channels_first":
            patches = ops.transpose(patches, axes=(0, 2, 3, 1))
        patches = ops.reshape(patches, (patches.shape[0], self.num_patches, patches.shape[-1]))
        positions = self.position_embedding(self.position_ids)
        if self.use_class_token:
            # keras_hub tiles the class token over the batch and prepends it (layout only, no
            # arithmetic); a copy of one patch stands for it here: same shape, same count.
            patches = ops.concatenate([patches[:, :1, :], patches], axis=1)
        return ops.add(patches, positions)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_positions, self.hidden_dim)


class ViTEncoderBlock(HubLayer):
    def __init__(self, num_heads, hidden_dim, mlp_dim, use_mha_bias=True, use_mlp_bias=True, dropout_rate=0.0,
                 attention_dropout=0.0, layer_norm_epsilon=1e-06, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.hidden_dim = hidden_dim
        self.key_dim = hidden_dim // num_heads
        self.mlp_dim = mlp_dim
        self.use_mha_bias = use_mha_bias
        self.use_mlp_bias = use_mlp_bias
        self.dropout_rate = dropout_rate
        self.attention_dropout = attention_dropout
        self.layer_norm_epsilon = layer_norm_epsilon

    def build(self, input_shape):
        policy = self.dtype_policy
        self.layer_norm_1 = build_layer(layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="ln_1",
                                                                  dtype=policy), input_shape)
        self.mha = layers.MultiHeadAttention(num_heads=self.num_heads, key_dim=self.key_dim, use_bias=self.use_mha_bias,
                                             dropout=self.attention_dropout, name="mha", dtype=policy)
        self.mha.build(input_shape, input_shape)
        self.mha.built = True
        self.dropout = layers.Dropout(self.dropout_rate, dtype=policy, name="dropout")
        self.layer_norm_2 = build_layer(layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="ln_2",
                                                                  dtype=policy), (None, None, self.hidden_dim))
        self.mlp = build_layer(MLP(hidden_dim=self.hidden_dim, mlp_dim=self.mlp_dim, use_bias=self.use_mlp_bias,
                                   dropout_rate=self.dropout_rate, name="mlp", dtype=policy),
                               (None, None, self.hidden_dim))
        self.built = True

    def call(self, inputs):
        x = self.layer_norm_1(inputs)
        x = self.dropout(self.mha(x, x)) + inputs
        return x + self.mlp(self.layer_norm_2(x))


class ViTEncoder(HubLayer):
    def __init__(self, num_layers, num_heads, hidden_dim, mlp_dim, use_mha_bias=True, use_mlp_bias=True,
                 dropout_rate=0.0, attention_dropout=0.0, layer_norm_epsilon=1e-06, **kwargs):
        super().__init__(**kwargs)
        self.num_layers = num_layers
        self.options = dict(num_heads=num_heads, hidden_dim=hidden_dim, mlp_dim=mlp_dim, dropout_rate=dropout_rate,
                            use_mha_bias=use_mha_bias, use_mlp_bias=use_mlp_bias, attention_dropout=attention_dropout,
                            layer_norm_epsilon=layer_norm_epsilon)
        self.hidden_dim = hidden_dim
        self.dropout_rate = dropout_rate
        self.layer_norm_epsilon = layer_norm_epsilon

    def build(self, input_shape):
        self.encoder_layers = [
            build_layer(ViTEncoderBlock(**self.options, dtype=self.dtype_policy, name=f"transformer_block_{i + 1}"),
                        (None, None, self.hidden_dim))
            for i in range(self.num_layers)]
        self.dropout = layers.Dropout(self.dropout_rate, dtype=self.dtype_policy, name="dropout")
        self.layer_norm = build_layer(layers.LayerNormalization(epsilon=self.layer_norm_epsilon,
                                                                dtype=self.dtype_policy, name="ln"),
                                      (None, None, self.hidden_dim))
        self.built = True

    def call(self, inputs):
        x = self.dropout(inputs)
        for block in self.encoder_layers:
            x = block(x)
        return self.layer_norm(x)


class ViTBackbone(Backbone):
    def __init__(self, image_shape, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout_rate=0.0,
                 attention_dropout=0.0, layer_norm_epsilon=1e-06, use_mha_bias=True, use_mlp_bias=True,
                 use_class_token=True, use_patch_bias=True, data_format=None, dtype=None, **kwargs):
        data_format = data_format or "channels_last"
        h_axis, w_axis, channels_axis = (-3, -2, -1) if data_format == "channels_last" else (-2, -1, -3)
        if image_shape[h_axis] is None or image_shape[w_axis] is None:
            raise ValueError(
                f"Image shape must have defined height and width. Found `None` at index {h_axis} (height) or "
                f"{w_axis} (width). Image shape: {image_shape}")
        if isinstance(patch_size, int):
            patch_size = (patch_size, patch_size)
        if image_shape[h_axis] % patch_size[0] != 0:
            raise ValueError(f"Input height {image_shape[h_axis]} should be divisible by patch size {patch_size[0]}.")
        if image_shape[w_axis] % patch_size[1] != 0:
            raise ValueError(f"Input width {image_shape[h_axis]} should be divisible by patch size {patch_size[1]}.")
        inputs = layers.Input(shape=image_shape, name="images")
        x = ViTPatchingAndEmbedding(
            image_size=(image_shape[h_axis], image_shape[w_axis]), patch_size=patch_size, hidden_dim=hidden_dim,
            num_channels=image_shape[channels_axis], use_class_token=use_class_token, use_patch_bias=use_patch_bias,
            data_format=data_format, dtype=dtype, name="vit_patching_and_embedding")(inputs)
        output = ViTEncoder(num_layers=num_layers, num_heads=num_heads, hidden_dim=hidden_dim, mlp_dim=mlp_dim,
                            dropout_rate=dropout_rate, attention_dropout=attention_dropout,
                            layer_norm_epsilon=layer_norm_epsilon, use_mha_bias=use_mha_bias,
                            use_mlp_bias=use_mlp_bias, dtype=dtype, name="vit_encoder")(x)
        super().__init__(inputs=inputs, outputs=output, dtype=dtype, **kwargs)
        self.image_shape, self.patch_size, self.num_layers = image_shape, patch_size, num_layers
        self.num_heads, self.hidden_dim, self.mlp_dim = num_heads, hidden_dim, mlp_dim
        self.data_format = data_format


class ViTImageClassifier(ImageClassifier):
    backbone_cls = ViTBackbone

    def __init__(self, backbone, num_classes, preprocessor=None, pooling="token", intermediate_dim=None,
                 activation=None, dropout=0.0, head_dtype=None, **kwargs):
        head_dtype = head_dtype or backbone.dtype_policy
        self.backbone = backbone
        self.preprocessor = preprocessor
        if intermediate_dim is not None:
            self.intermediate_layer = layers.Dense(intermediate_dim, activation="tanh", name="pre_logits")
        self.output_dropout = layers.Dropout(rate=dropout, dtype=head_dtype, name="output_dropout")
        self.output_dense = layers.Dense(num_classes, activation=activation, dtype=head_dtype, name="predictions")
        inputs = self.backbone.input
        x = self.backbone(inputs)
        if pooling == "token":
            x = x[:, 0]
        elif pooling == "gap":
            x = ops.mean(x, axis=list(range(1, len(x.shape) - 1)))
        if intermediate_dim is not None:
            x = self.intermediate_layer(x)
        outputs = self.output_dense(self.output_dropout(x))
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.num_classes = num_classes
        self.pooling = pooling
