"""CLIP (keras_hub ``models/clip``): ``CLIPVisionEncoder``, ``CLIPTextEncoder``, ``CLIPBackbone``.

Vision encoder: ``embedding`` (CLIPVisionEmbedding: a bias-free ``patch_embedding`` Conv2D,
a ``class_embedding`` (d,), a ``position_embedding`` of (patches + 1) × d, and
``position_ids`` (1, patches + 1), an int64 non-trainable weight) → ``pre_layer_norm`` →
``encoder_block_i`` (CLIPEncoderLayer: LayerNorm, MultiHeadAttention, LayerNorm, Dense d → f,
quick-GELU ``x·σ(1.702x)``, Dense f → d) → ``layer_norm``. Text encoder:
TokenAndPositionEmbedding → causal ``encoder_block_i`` → ``layer_norm``. The backbone nests
both, pools (class token; the token at the end-of-text id, an ``argmax``), projects each to
``projection_dim`` without bias and compares them in ``clip_head`` (one weight: the logit scale).
"""

from __future__ import annotations

from ...keras import layers, ops
from ..layers.base import HubLayer, build_layer
from ..layers.token_and_position_embedding import TokenAndPositionEmbedding
from .backbone import Backbone, sequence_input


def quick_gelu(x):
    """``x · sigmoid(1.702 · x)``."""
    return x * ops.sigmoid(1.702 * x)


class CLIPVisionEmbedding(HubLayer):
    def __init__(self, hidden_dim, patch_size, image_size, data_format=None, dtype=None, **kwargs):
        super().__init__(dtype=dtype, **kwargs)
        self.hidden_dim = int(hidden_dim)
        self.patch_size = int(patch_size)
        self.image_size = int(image_size)
        self.data_format = data_format or "channels_last"
        num_patches = (image_size // patch_size) ** 2
        self.num_positions = num_patches + 1
        self.patch_embedding = layers.Conv2D(hidden_dim, kernel_size=patch_size, strides=patch_size,
                                             data_format=self.data_format, use_bias=False, dtype=dtype,
                                             name="patch_embedding")
        self.position_embedding = layers.Embedding(num_patches + 1, hidden_dim, dtype=dtype, name="position_embedding")

    def build(self, input_shape):
        self.class_embedding = self.add_weight(shape=(self.hidden_dim,), dtype=self.variable_dtype,
                                               name="class_embedding")
        self.position_ids = self.add_weight(shape=(1, self.num_positions), dtype="int64", trainable=False,
                                            name="position_ids")
        build_layer(self.patch_embedding, input_shape)
        build_layer(self.position_embedding, self.position_ids.shape)
        self.built = True

    def call(self, inputs, training=None):
        patches = self.patch_embedding(inputs)
        if self.data_format == "channels_last":
            patches = ops.reshape(patches, (patches.shape[0], self.num_positions - 1, self.hidden_dim))
        else:
            patches = ops.transpose(ops.reshape(patches, (patches.shape[0], self.hidden_dim, -1)), (0, 2, 1))
        # the class embedding, tiled over the batch, is prepended (layout only): a copy stands for it
        embeddings = ops.concatenate([patches[:, :1, :], patches], axis=1)
        return ops.add(embeddings, self.position_embedding(self.position_ids))

    def compute_output_shape(self, input_shape):
        output_shape = [input_shape[0], None, self.hidden_dim]
        spatial = (input_shape[1], input_shape[2]) if self.data_format == "channels_last" else \
            (input_shape[2], input_shape[3])
        if spatial[0] is not None and spatial[1] is not None:
            output_shape[1] = (spatial[0] // self.patch_size) ** 2 + 1
        return tuple(output_shape)


class CLIPEncoderLayer(HubLayer):
    def __init__(self, hidden_dim, num_heads, intermediate_dim, intermediate_activation="quick_gelu",
                 use_causal_mask=True, **kwargs):
        super().__init__(**kwargs)
        if hidden_dim % num_heads != 0:
            raise ValueError("`hidden_dim` must be divisible by `num_heads`. Received: "
                             f"hidden_dim={hidden_dim}, num_heads={num_heads}")
        self.hidden_dim = hidden_dim
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim
        self.use_causal_mask = use_causal_mask
        if intermediate_activation == "quick_gelu":
            intermediate_activation = quick_gelu
        policy = self.dtype_policy
        self.layer_norm_1 = layers.LayerNormalization(epsilon=1e-05, dtype=policy, name="layer_norm_1")
        self.attention = layers.MultiHeadAttention(num_heads, hidden_dim // num_heads, dtype=policy, name="attention")
        self.layer_norm_2 = layers.LayerNormalization(epsilon=1e-05, dtype=policy, name="layer_norm_2")
        self.dense_1 = layers.Dense(intermediate_dim, dtype=policy, name="dense_1")
        self.activation = layers.Activation(intermediate_activation, dtype=policy, name="activation")
        self.dense_2 = layers.Dense(hidden_dim, dtype=policy, name="dense_2")

    def build(self, input_shape):
        build_layer(self.layer_norm_1, input_shape)
        build_layer(self.attention, input_shape, input_shape, input_shape)
        build_layer(self.layer_norm_2, input_shape)
        build_layer(self.dense_1, input_shape)
        build_layer(self.dense_2, self.dense_1.compute_output_shape(input_shape))
        self.built = True

    def compute_output_shape(self, inputs_shape):
        return tuple(inputs_shape[:-1]) + (self.hidden_dim,)

    def call(self, x, training=None):
        y = self.layer_norm_1(x)
        x = ops.add(x, self.attention(y, y, y, use_causal_mask=self.use_causal_mask))
        return ops.add(x, self.dense_2(self.activation(self.dense_1(self.layer_norm_2(x)))))


class CLIPVisionPooler(HubLayer):
    def call(self, vision_embeddings):
        return vision_embeddings[:, 0, :]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


class CLIPTextPooler(HubLayer):
    def call(self, text_embeddings, token_ids):
        eos_index = ops.expand_dims(ops.expand_dims(ops.argmax(token_ids, axis=-1), axis=-1), axis=-1)
        return ops.squeeze(ops.take_along_axis(text_embeddings, eos_index, axis=1), axis=1)

    def output_shape_for_call(self, input_shape, *args, **kwargs):
        return self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


class CLIPHead(HubLayer):
    def build(self, input_shape):
        self.logit_scale = self.add_weight(shape=(), trainable=True, dtype=self.variable_dtype, name="logit_scale")
        self.built = True

    def call(self, vision_embedding, text_embedding):
        vision_norm = ops.sqrt(ops.sum(ops.power(vision_embedding, 2), axis=-1, keepdims=True))
        text_norm = ops.sqrt(ops.sum(ops.power(text_embedding, 2), axis=-1, keepdims=True))
        text_logits = ops.matmul(text_embedding / text_norm, ops.transpose(vision_embedding / vision_norm)) \
            * ops.exp(self.logit_scale)
        return ops.transpose(text_logits), text_logits

    def output_shape_for_call(self, vision_embedding_shape, text_embedding_shape, **kwargs):
        return self.compute_output_shape(vision_embedding_shape, text_embedding_shape)

    def compute_output_shape(self, vision_embedding_shape, text_embedding_shape):
        return ((vision_embedding_shape[0], text_embedding_shape[0]), (text_embedding_shape[0], vision_embedding_shape[0]))


def _encoder_blocks(prefix, num_layers, use_causal_mask, hidden_dim, num_heads, intermediate_dim,
                    intermediate_activation, dtype):
    return [CLIPEncoderLayer(hidden_dim, num_heads, intermediate_dim, intermediate_activation,
                             use_causal_mask=use_causal_mask, dtype=dtype, name=f"{prefix}encoder_block_{i}")
            for i in range(num_layers)]


def _encoder_outputs(blocks, layer_norm, x, intermediate_output_index):
    intermediate_output = None
    for i, block in enumerate(blocks):
        x = block(x)
        if i == intermediate_output_index:
            intermediate_output = x
    x = layer_norm(x)
    if intermediate_output_index is not None:
        return {"sequence_output": x, "intermediate_output": intermediate_output}
    return x


class CLIPVisionEncoder(Backbone):
    def __init__(self, patch_size, hidden_dim, num_layers, num_heads, intermediate_dim,
                 intermediate_activation="quick_gelu", intermediate_output_index=None, image_shape=(224, 224, 3),
                 data_format=None, dtype=None, name=None, **kwargs):
        data_format = data_format or "channels_last"
        height, width = (image_shape[0], image_shape[1]) if data_format == "channels_last" else \
            (image_shape[1], image_shape[2])
        if height != width:
            raise ValueError("`CLIPVisionEncoder` expects the height and width to be the same in `image_shape`. "
                             f"Received: image_shape={image_shape}")
        if intermediate_output_index is not None and intermediate_output_index < 0:
            intermediate_output_index += num_layers
        prefix = str(name) + "_" if name is not None else ""
        self.embedding = CLIPVisionEmbedding(hidden_dim=hidden_dim, patch_size=patch_size, image_size=height,
                                             data_format=data_format, dtype=dtype, name=f"{prefix}embedding")
        self.pre_layer_norm = layers.LayerNormalization(epsilon=1e-05, dtype=dtype, name=f"{prefix}pre_layer_norm")
        self.encoder_layers = _encoder_blocks(prefix, num_layers, False, hidden_dim, num_heads, intermediate_dim,
                                              intermediate_activation, dtype)
        self.layer_norm = layers.LayerNormalization(epsilon=1e-05, dtype=dtype, name=f"{prefix}layer_norm")
        image_input = layers.Input(shape=image_shape, name="images")
        x = self.pre_layer_norm(self.embedding(image_input))
        outputs = _encoder_outputs(self.encoder_layers, self.layer_norm, x, intermediate_output_index)
        super().__init__(inputs={"images": image_input}, outputs=outputs, dtype=dtype, name=name, **kwargs)
        self.patch_size, self.hidden_dim, self.num_layers = patch_size, hidden_dim, num_layers
        self.num_heads, self.intermediate_dim, self.image_shape = num_heads, intermediate_dim, image_shape


class CLIPTextEncoder(Backbone):
    def __init__(self, vocabulary_size, embedding_dim, hidden_dim, num_layers, num_heads, intermediate_dim,
                 intermediate_activation="quick_gelu", intermediate_output_index=None, max_sequence_length=77,
                 dtype=None, name=None, **kwargs):
        if intermediate_output_index is not None and intermediate_output_index < 0:
            intermediate_output_index += num_layers
        prefix = str(name) + "_" if name is not None else ""
        self.embedding = TokenAndPositionEmbedding(vocabulary_size=vocabulary_size, sequence_length=max_sequence_length,
                                                   embedding_dim=embedding_dim, dtype=dtype, name=f"{prefix}embedding")
        self.encoder_layers = _encoder_blocks(prefix, num_layers, True, hidden_dim, num_heads, intermediate_dim,
                                              intermediate_activation, dtype)
        self.layer_norm = layers.LayerNormalization(epsilon=1e-06, dtype=dtype, name=f"{prefix}layer_norm")
        token_id_input = sequence_input("token_ids")
        outputs = _encoder_outputs(self.encoder_layers, self.layer_norm, self.embedding(token_id_input),
                                   intermediate_output_index)
        super().__init__(inputs={"token_ids": token_id_input}, outputs=outputs, dtype=dtype, name=name, **kwargs)
        self.vocabulary_size, self.embedding_dim, self.hidden_dim = vocabulary_size, embedding_dim, hidden_dim
        self.num_layers, self.num_heads, self.intermediate_dim = num_layers, num_heads, intermediate_dim
        self.max_sequence_length = max_sequence_length


class CLIPBackbone(Backbone):
    def __init__(self, vision_encoder, text_encoder, projection_dim, dtype=None, name=None, **kwargs):
        self.vision_encoder = vision_encoder
        self.text_encoder = text_encoder
        self.vision_pooler = CLIPVisionPooler(dtype=dtype, name="vision_pooler")
        self.text_pooler = CLIPTextPooler(dtype=dtype, name="text_pooler")
        self.vision_projection = layers.Dense(projection_dim, use_bias=False, dtype=dtype, name="vision_projection")
        self.text_projection = layers.Dense(projection_dim, use_bias=False, dtype=dtype, name="text_projection")
        self.clip_head = CLIPHead(dtype=dtype, name="clip_head")
        image_input = layers.Input(shape=vision_encoder.image_shape, name="images")
        token_id_input = sequence_input("token_ids")
        vision_embeddings = self.vision_projection(self.vision_pooler(vision_encoder({"images": image_input})))
        text_embeddings = self.text_projection(self.text_pooler(text_encoder({"token_ids": token_id_input}),
                                                                token_id_input))
        vision_logits, text_logits = self.clip_head(vision_embeddings, text_embeddings)
        super().__init__(inputs={"images": image_input, "token_ids": token_id_input},
                         outputs={"vision_logits": vision_logits, "text_logits": text_logits}, dtype=dtype, name=name,
                         **kwargs)
        self.projection_dim = projection_dim
