"""Small Keras models for comparing nncalc's ``tf`` FLOPs convention with TensorFlow's profiler.

Every case is a dict ``{"id", "layer", "source"}``: ``source`` is Python that uses only the
names ``keras`` and ``layers`` (bound to real Keras or to ``nncalc.keras``) and leaves the
model in ``model``. ``build(case, keras_module)`` runs it. Most cases are one layer on one or
more ``keras.Input``s; each layer class comes with a few shapes/arguments so a formula can be
fitted on some and confirmed on the others. The profiler's answer for a case is
``tests.analysis.tf_profiler.profile_keras_model(build(case))`` (batch 1, inference).

    python tests/analysis/tf_profiler_cases.py [ID_SUBSTRING...]   # profile cases, JSON lines

The rules these cases exercise are written up in ``TF_PROFILER_RULES.md``.
"""

from __future__ import annotations

CASES: list[dict] = []


def _shape(shape) -> str:
    return "(" + "".join(f"{d}, " for d in shape).rstrip(" ") + ")" if len(shape) == 1 else str(tuple(shape))


def layer_case(case_id: str, layer: str, expr: str, *input_shapes, dtype: str | None = None, call: str = ""):
    """``expr`` (a layer) called on Inputs of ``input_shapes`` (one tensor, or a list if several)."""
    dt = f", dtype={dtype!r}" if dtype else ""
    inputs = ", ".join(f"keras.Input(shape={_shape(s)}{dt})" for s in input_shapes)
    arg = "inputs[0]" if len(input_shapes) == 1 else "inputs"
    source = f"inputs = [{inputs}]\nmodel = keras.Model(inputs, {expr}({arg}{call}))\n"
    CASES.append({"id": case_id, "layer": layer, "source": source})


def source_case(case_id: str, layer: str, source: str):
    CASES.append({"id": case_id, "layer": layer, "source": source.strip() + "\n"})


# --- Dense ------------------------------------------------------------------------------
for act in ["linear", "relu", "sigmoid", "tanh", "softmax", "gelu", "swish", "silu", "elu",
            "selu", "softplus", "softsign", "relu6", "leaky_relu", "hard_sigmoid", "hard_swish",
            "mish", "log_softmax", "exponential"]:
    layer_case(f"dense_{act}_32_16", "Dense", f"layers.Dense(16, activation={act!r})", (32,))
    layer_case(f"dense_{act}_7_5", "Dense", f"layers.Dense(5, activation={act!r})", (7,))
layer_case("dense_100_10", "Dense", "layers.Dense(10)", (100,))
layer_case("dense_nobias_32_16", "Dense", "layers.Dense(16, use_bias=False)", (32,))
layer_case("dense_nobias_relu_9_4", "Dense", "layers.Dense(4, use_bias=False, activation='relu')", (9,))
layer_case("dense_3d_6x32_16", "Dense", "layers.Dense(16)", (6, 32))
layer_case("dense_4d_3x5x8_4", "Dense", "layers.Dense(4, activation='tanh')", (3, 5, 8))
layer_case("dense_3d_nobias_4x10_3", "Dense", "layers.Dense(3, use_bias=False)", (4, 10))

# --- activation layers -----------------------------------------------------------------
for act in ["relu", "sigmoid", "tanh", "softmax", "gelu", "swish", "elu", "selu", "softplus", "linear"]:
    layer_case(f"activation_{act}_4x6", "Activation", f"layers.Activation({act!r})", (4, 6))
layer_case("activation_softmax_3x5x7", "Activation", "layers.Activation('softmax')", (3, 5, 7))
layer_case("relu_8x5", "ReLU", "layers.ReLU()", (8, 5))
layer_case("relu_max6_8x5", "ReLU", "layers.ReLU(max_value=6.0)", (8, 5))
layer_case("relu_slope_8x5", "ReLU", "layers.ReLU(negative_slope=0.1)", (8, 5))
layer_case("relu_threshold_8x5", "ReLU", "layers.ReLU(threshold=0.5)", (8, 5))
layer_case("relu_all_4x3", "ReLU", "layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5)", (4, 3))
layer_case("leakyrelu_8x5", "LeakyReLU", "layers.LeakyReLU()", (8, 5))
layer_case("leakyrelu_3x7x2", "LeakyReLU", "layers.LeakyReLU(negative_slope=0.2)", (3, 7, 2))
layer_case("elu_8x5", "ELU", "layers.ELU()", (8, 5))
layer_case("elu_alpha_3x7x2", "ELU", "layers.ELU(alpha=0.5)", (3, 7, 2))
layer_case("prelu_8x5", "PReLU", "layers.PReLU()", (8, 5))
layer_case("prelu_shared_3x7x2", "PReLU", "layers.PReLU(shared_axes=[1])", (3, 7, 2))
layer_case("softmax_8x5", "Softmax", "layers.Softmax()", (8, 5))
layer_case("softmax_axis1_3x7x2", "Softmax", "layers.Softmax(axis=1)", (3, 7, 2))
layer_case("softmax_axes12_3x7x2", "Softmax", "layers.Softmax(axis=(1, 2))", (3, 7, 2))

# --- convolutions ----------------------------------------------------------------------
layer_case("conv1d_valid_20x3_k3_f8", "Conv1D", "layers.Conv1D(8, 3)", (20, 3))
layer_case("conv1d_same_s2_21x4_k5_f6", "Conv1D", "layers.Conv1D(6, 5, strides=2, padding='same')", (21, 4))
layer_case("conv1d_dil2_nobias_16x2_k3_f5", "Conv1D", "layers.Conv1D(5, 3, dilation_rate=2, use_bias=False)", (16, 2))
layer_case("conv1d_groups2_12x4_k3_f6", "Conv1D", "layers.Conv1D(6, 3, groups=2)", (12, 4))
layer_case("conv1d_causal_10x3_k3_f4", "Conv1D", "layers.Conv1D(4, 3, padding='causal')", (10, 3))
layer_case("conv2d_valid_10x10x3_k3_f8", "Conv2D", "layers.Conv2D(8, 3)", (10, 10, 3))
layer_case("conv2d_same_s2_11x9x4_k5x3_f6", "Conv2D", "layers.Conv2D(6, (5, 3), strides=2, padding='same')", (11, 9, 4))
layer_case("conv2d_valid_s2x1_12x12x2_k3_f4_relu", "Conv2D", "layers.Conv2D(4, 3, strides=(2, 1), activation='relu')", (12, 12, 2))
layer_case("conv2d_dil2_nobias_14x14x3_k3_f5", "Conv2D", "layers.Conv2D(5, 3, dilation_rate=2, use_bias=False)", (14, 14, 3))
layer_case("conv2d_groups2_8x8x4_k3_f6", "Conv2D", "layers.Conv2D(6, 3, groups=2)", (8, 8, 4))
layer_case("conv2d_groups3_same_9x7x6_k3_f9", "Conv2D", "layers.Conv2D(9, 3, groups=3, padding='same')", (9, 7, 6))
layer_case("conv2d_1x1_7x7x16_f32", "Conv2D", "layers.Conv2D(32, 1)", (7, 7, 16))
layer_case("conv3d_valid_6x6x6x2_k3_f4", "Conv3D", "layers.Conv3D(4, 3)", (6, 6, 6, 2))
layer_case("conv3d_same_s2_7x6x5x3_k3_f2", "Conv3D", "layers.Conv3D(2, 3, strides=2, padding='same')", (7, 6, 5, 3))
layer_case("conv3d_nobias_dil2_7x7x7x1_k2_f3", "Conv3D", "layers.Conv3D(3, 2, dilation_rate=2, use_bias=False)", (7, 7, 7, 1))
layer_case("conv3d_same_dil2_6x5x7x2_k3_f2", "Conv3D", "layers.Conv3D(2, 3, dilation_rate=(2, 1, 3), padding='same')", (6, 5, 7, 2))
layer_case("conv3d_groups2_5x5x5x4_k3_f4", "Conv3D", "layers.Conv3D(4, 3, groups=2)", (5, 5, 5, 4))
layer_case("conv1dt_valid_10x3_k3_f4", "Conv1DTranspose", "layers.Conv1DTranspose(4, 3)", (10, 3))
layer_case("conv1dt_same_s2_9x2_k4_f5", "Conv1DTranspose", "layers.Conv1DTranspose(5, 4, strides=2, padding='same')", (9, 2))
layer_case("conv1dt_valid_s3_nobias_7x4_k3_f2", "Conv1DTranspose", "layers.Conv1DTranspose(2, 3, strides=3, use_bias=False)", (7, 4))
layer_case("conv2dt_valid_6x6x3_k3_f4", "Conv2DTranspose", "layers.Conv2DTranspose(4, 3)", (6, 6, 3))
layer_case("conv2dt_same_s2_5x7x2_k3_f6", "Conv2DTranspose", "layers.Conv2DTranspose(6, 3, strides=2, padding='same')", (5, 7, 2))
layer_case("conv2dt_valid_s2_nobias_4x4x5_k3_f3", "Conv2DTranspose", "layers.Conv2DTranspose(3, 3, strides=2, use_bias=False)", (4, 4, 5))
layer_case("conv2dt_dil2_6x6x2_k3_f3", "Conv2DTranspose", "layers.Conv2DTranspose(3, 3, dilation_rate=2)", (6, 6, 2))
layer_case("conv3dt_valid_4x4x4x2_k3_f3", "Conv3DTranspose", "layers.Conv3DTranspose(3, 3)", (4, 4, 4, 2))
layer_case("conv3dt_same_s2_3x4x5x2_k2_f4", "Conv3DTranspose", "layers.Conv3DTranspose(4, 2, strides=2, padding='same')", (3, 4, 5, 2))
layer_case("dwconv1d_valid_12x3_k3", "DepthwiseConv1D", "layers.DepthwiseConv1D(3)", (12, 3))
layer_case("dwconv1d_same_s2_dm2_11x4_k5", "DepthwiseConv1D", "layers.DepthwiseConv1D(5, strides=2, padding='same', depth_multiplier=2)", (11, 4))
layer_case("dwconv2d_valid_8x8x3_k3", "DepthwiseConv2D", "layers.DepthwiseConv2D(3)", (8, 8, 3))
layer_case("dwconv2d_same_s2_dm2_9x7x4_k3", "DepthwiseConv2D", "layers.DepthwiseConv2D(3, strides=2, padding='same', depth_multiplier=2)", (9, 7, 4))
layer_case("dwconv2d_dil2_nobias_10x10x2_k3", "DepthwiseConv2D", "layers.DepthwiseConv2D(3, dilation_rate=2, use_bias=False)", (10, 10, 2))
layer_case("sepconv1d_valid_12x3_k3_f5", "SeparableConv1D", "layers.SeparableConv1D(5, 3)", (12, 3))
layer_case("sepconv1d_same_s2_dm2_11x4_k3_f6", "SeparableConv1D", "layers.SeparableConv1D(6, 3, strides=2, padding='same', depth_multiplier=2)", (11, 4))
layer_case("sepconv2d_valid_8x8x3_k3_f5", "SeparableConv2D", "layers.SeparableConv2D(5, 3)", (8, 8, 3))
layer_case("sepconv2d_same_s2_dm2_9x7x4_k3_f6", "SeparableConv2D", "layers.SeparableConv2D(6, 3, strides=2, padding='same', depth_multiplier=2)", (9, 7, 4))
layer_case("sepconv2d_nobias_dil2_10x10x2_k3_f4", "SeparableConv2D", "layers.SeparableConv2D(4, 3, dilation_rate=2, use_bias=False)", (10, 10, 2))

# --- pooling ---------------------------------------------------------------------------
for kind in ["Max", "Average"]:
    k = kind.lower()[:3]
    layer_case(f"{k}pool1d_valid_20x3", f"{kind}Pooling1D", f"layers.{kind}Pooling1D(2)", (20, 3))
    layer_case(f"{k}pool1d_same_p3s2_21x4", f"{kind}Pooling1D", f"layers.{kind}Pooling1D(3, strides=2, padding='same')", (21, 4))
    layer_case(f"{k}pool2d_valid_10x10x3", f"{kind}Pooling2D", f"layers.{kind}Pooling2D(2)", (10, 10, 3))
    layer_case(f"{k}pool2d_same_p3s2_11x9x4", f"{kind}Pooling2D", f"layers.{kind}Pooling2D(3, strides=2, padding='same')", (11, 9, 4))
    layer_case(f"{k}pool2d_valid_p3x2s1_7x6x2", f"{kind}Pooling2D", f"layers.{kind}Pooling2D((3, 2), strides=1)", (7, 6, 2))
    layer_case(f"{k}pool3d_valid_6x6x6x2", f"{kind}Pooling3D", f"layers.{kind}Pooling3D(2)", (6, 6, 6, 2))
    layer_case(f"{k}pool3d_same_p3s2_7x6x5x3", f"{kind}Pooling3D", f"layers.{kind}Pooling3D(3, strides=2, padding='same')", (7, 6, 5, 3))
    layer_case(f"g{k}pool1d_20x3", f"Global{kind}Pooling1D", f"layers.Global{kind}Pooling1D()", (20, 3))
    layer_case(f"g{k}pool1d_keep_7x5", f"Global{kind}Pooling1D", f"layers.Global{kind}Pooling1D(keepdims=True)", (7, 5))
    layer_case(f"g{k}pool2d_10x10x3", f"Global{kind}Pooling2D", f"layers.Global{kind}Pooling2D()", (10, 10, 3))
    layer_case(f"g{k}pool2d_5x7x4", f"Global{kind}Pooling2D", f"layers.Global{kind}Pooling2D()", (5, 7, 4))
    layer_case(f"g{k}pool3d_4x5x6x2", f"Global{kind}Pooling3D", f"layers.Global{kind}Pooling3D()", (4, 5, 6, 2))

# --- normalization ---------------------------------------------------------------------
layer_case("bn_8x8x4", "BatchNormalization", "layers.BatchNormalization()", (8, 8, 4))
layer_case("bn_16", "BatchNormalization", "layers.BatchNormalization()", (16,))
layer_case("bn_axis1_5x6x3", "BatchNormalization", "layers.BatchNormalization(axis=1)", (5, 6, 3))
layer_case("bn_noscale_nocenter_7x5", "BatchNormalization", "layers.BatchNormalization(scale=False, center=False)", (7, 5))
layer_case("bn_noscale_6x3", "BatchNormalization", "layers.BatchNormalization(scale=False)", (6, 3))
layer_case("ln_8x6", "LayerNormalization", "layers.LayerNormalization()", (8, 6))
layer_case("ln_16", "LayerNormalization", "layers.LayerNormalization()", (16,))
layer_case("ln_3x5x4", "LayerNormalization", "layers.LayerNormalization()", (3, 5, 4))
layer_case("ln_axes12_3x5x4", "LayerNormalization", "layers.LayerNormalization(axis=[1, 2])", (3, 5, 4))
layer_case("ln_noscale_nocenter_7x5", "LayerNormalization", "layers.LayerNormalization(scale=False, center=False)", (7, 5))
layer_case("ln_rms_7x5", "LayerNormalization", "layers.LayerNormalization(rms_scaling=True)", (7, 5))
layer_case("gn_8x8x4_g2", "GroupNormalization", "layers.GroupNormalization(groups=2)", (8, 8, 4))
layer_case("gn_5x6_g3", "GroupNormalization", "layers.GroupNormalization(groups=3)", (5, 6))
layer_case("gn_4x3x8_g4_noaffine", "GroupNormalization", "layers.GroupNormalization(groups=4, center=False, scale=False)", (4, 3, 8))
layer_case("rmsn_8x6", "RMSNormalization", "layers.RMSNormalization()", (8, 6))
layer_case("rmsn_3x5x4", "RMSNormalization", "layers.RMSNormalization()", (3, 5, 4))
layer_case("rmsn_16", "RMSNormalization", "layers.RMSNormalization()", (16,))
layer_case("unitnorm_8x6", "UnitNormalization", "layers.UnitNormalization()", (8, 6))
layer_case("unitnorm_axes_3x5x4", "UnitNormalization", "layers.UnitNormalization(axis=[1, 2])", (3, 5, 4))
layer_case("unitnorm_16", "UnitNormalization", "layers.UnitNormalization()", (16,))

# --- regularization (inference) --------------------------------------------------------
layer_case("dropout_8x6", "Dropout", "layers.Dropout(0.5)", (8, 6))
layer_case("spatialdropout1d_8x6", "SpatialDropout1D", "layers.SpatialDropout1D(0.5)", (8, 6))
layer_case("spatialdropout2d_4x4x3", "SpatialDropout2D", "layers.SpatialDropout2D(0.5)", (4, 4, 3))
layer_case("spatialdropout3d_3x3x3x2", "SpatialDropout3D", "layers.SpatialDropout3D(0.5)", (3, 3, 3, 2))
layer_case("gaussiannoise_8x6", "GaussianNoise", "layers.GaussianNoise(0.1)", (8, 6))
layer_case("gaussiandropout_8x6", "GaussianDropout", "layers.GaussianDropout(0.1)", (8, 6))
layer_case("alphadropout_8x6", "AlphaDropout", "layers.AlphaDropout(0.1)", (8, 6))
layer_case("activityreg_8x6", "ActivityRegularization", "layers.ActivityRegularization(l1=0.01, l2=0.01)", (8, 6))

# --- merging ---------------------------------------------------------------------------
for name in ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]:
    low = name.lower()
    layer_case(f"{low}_2x_8x6", name, f"layers.{name}()", (8, 6), (8, 6))
    layer_case(f"{low}_2x_3x4x5", name, f"layers.{name}()", (3, 4, 5), (3, 4, 5))
    if name != "Subtract":
        layer_case(f"{low}_3x_8x6", name, f"layers.{name}()", (8, 6), (8, 6), (8, 6))
        layer_case(f"{low}_4x_5", name, f"layers.{name}()", (5,), (5,), (5,), (5,))
layer_case("add_broadcast_8x6_1x6", "Add", "layers.Add()", (8, 6), (1, 6))
layer_case("concatenate_axis1_3x4_5x4", "Concatenate", "layers.Concatenate(axis=1)", (3, 4), (5, 4))
layer_case("dot_axes1_8_8", "Dot", "layers.Dot(axes=1)", (8,), (8,))
layer_case("dot_axes2_5x6_7x6", "Dot", "layers.Dot(axes=2)", (5, 6), (7, 6))
layer_case("dot_axes1_5x6_5x7", "Dot", "layers.Dot(axes=1)", (5, 6), (5, 7))
layer_case("dot_axes21_4x3_3x5", "Dot", "layers.Dot(axes=(2, 1))", (4, 3), (3, 5))
layer_case("dot_normalize_5x6_7x6", "Dot", "layers.Dot(axes=2, normalize=True)", (5, 6), (7, 6))
layer_case("dot_normalize_8_8", "Dot", "layers.Dot(axes=1, normalize=True)", (8,), (8,))

# --- reshaping -------------------------------------------------------------------------
layer_case("flatten_4x5x3", "Flatten", "layers.Flatten()", (4, 5, 3))
layer_case("reshape_4x6", "Reshape", "layers.Reshape((6, 4))", (4, 6))
layer_case("permute_4x5x3", "Permute", "layers.Permute((2, 1, 3))", (4, 5, 3))
layer_case("repeatvector_6", "RepeatVector", "layers.RepeatVector(3)", (6,))
layer_case("cropping1d_10x3", "Cropping1D", "layers.Cropping1D((1, 2))", (10, 3))
layer_case("cropping2d_8x8x3", "Cropping2D", "layers.Cropping2D(((1, 2), (0, 1)))", (8, 8, 3))
layer_case("cropping3d_6x6x6x2", "Cropping3D", "layers.Cropping3D()", (6, 6, 6, 2))
layer_case("zeropadding1d_10x3", "ZeroPadding1D", "layers.ZeroPadding1D(2)", (10, 3))
layer_case("zeropadding2d_5x5x3", "ZeroPadding2D", "layers.ZeroPadding2D(((1, 2), (0, 1)))", (5, 5, 3))
layer_case("zeropadding3d_3x3x3x2", "ZeroPadding3D", "layers.ZeroPadding3D()", (3, 3, 3, 2))
layer_case("upsampling1d_5x3", "UpSampling1D", "layers.UpSampling1D(3)", (5, 3))
layer_case("upsampling2d_nearest_4x5x3", "UpSampling2D", "layers.UpSampling2D(2)", (4, 5, 3))
layer_case("upsampling2d_bilinear_4x5x3", "UpSampling2D", "layers.UpSampling2D((2, 3), interpolation='bilinear')", (4, 5, 3))
layer_case("upsampling2d_bilinear_3x3x2", "UpSampling2D", "layers.UpSampling2D(2, interpolation='bilinear')", (3, 3, 2))
layer_case("upsampling3d_3x3x3x2", "UpSampling3D", "layers.UpSampling3D(2)", (3, 3, 3, 2))

# --- embeddings and einsum -------------------------------------------------------------
layer_case("embedding_100x8_len5", "Embedding", "layers.Embedding(100, 8)", (5,), dtype="int32")
layer_case("embedding_50x3_len7_mask", "Embedding", "layers.Embedding(50, 3, mask_zero=True)", (7,), dtype="int32")
layer_case("revemb_reverse_6x8_v20", "ReversibleEmbedding (reverse)", "layers.ReversibleEmbedding(20, 8)", (6, 8), call=", reverse=True")
layer_case("revemb_reverse_3x5_v11", "ReversibleEmbedding (reverse)", "layers.ReversibleEmbedding(11, 5)", (3, 5), call=", reverse=True")
layer_case("revemb_reverse_untied_6x8_v20", "ReversibleEmbedding (reverse)", "layers.ReversibleEmbedding(20, 8, tie_weights=False)", (6, 8), call=", reverse=True")
layer_case("revemb_reverse_cap_6x8_v20", "ReversibleEmbedding (reverse)", "layers.ReversibleEmbedding(20, 8, logit_soft_cap=30.0)", (6, 8), call=", reverse=True")
layer_case("revemb_reverse_cap_4x3_v7", "ReversibleEmbedding (reverse)", "layers.ReversibleEmbedding(7, 3, logit_soft_cap=5.0)", (4, 3), call=", reverse=True")
layer_case("revemb_reverse_lora_6x8_v20_r2", "ReversibleEmbedding (reverse)", "layers.ReversibleEmbedding(20, 8, lora_rank=2)", (6, 8), call=", reverse=True")
layer_case("revemb_reverse_lora_5x4_v9_r3", "ReversibleEmbedding (reverse)", "layers.ReversibleEmbedding(9, 4, lora_rank=3)", (5, 4), call=", reverse=True")
layer_case("einsumdense_ab_bc_32_16", "EinsumDense", "layers.EinsumDense('ab,bc->ac', output_shape=16, bias_axes='c')", (32,))
layer_case("einsumdense_abc_cd_6x8_4", "EinsumDense", "layers.EinsumDense('abc,cd->abd', output_shape=(None, 4), bias_axes='d')", (6, 8))
layer_case("einsumdense_abc_cde_nobias_6x8_2x3", "EinsumDense", "layers.EinsumDense('abc,cde->abde', output_shape=(None, 2, 3))", (6, 8))
layer_case("einsumdense_abcd_cde_5x2x3_4_relu", "EinsumDense", "layers.EinsumDense('abcd,cde->abe', output_shape=(5, 4), bias_axes='e', activation='relu')", (5, 2, 3))

# --- attention -------------------------------------------------------------------------
source_case("mha_self_6x16_h2_k4", "MultiHeadAttention", """
x = keras.Input(shape=(6, 16))
model = keras.Model(x, layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x))
""")
source_case("mha_cross_5x8_7x6_h3_k2_v5", "MultiHeadAttention", """
q = keras.Input(shape=(5, 8))
v = keras.Input(shape=(7, 6))
model = keras.Model([q, v], layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5)(q, v))
""")
source_case("mha_qkv_4x8_6x6_6x10_h2_k3_nobias", "MultiHeadAttention", """
q = keras.Input(shape=(4, 8))
v = keras.Input(shape=(6, 6))
k = keras.Input(shape=(6, 10))
model = keras.Model([q, v, k], layers.MultiHeadAttention(num_heads=2, key_dim=3, use_bias=False)(q, v, k))
""")
source_case("mha_mask_6x16_h2_k4", "MultiHeadAttention", """
x = keras.Input(shape=(6, 16))
m = keras.Input(shape=(6, 6), dtype="bool")
model = keras.Model([x, m], layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x, attention_mask=m))
""")
source_case("mha_causal_6x16_h2_k4", "MultiHeadAttention", """
x = keras.Input(shape=(6, 16))
model = keras.Model(x, layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x, use_causal_mask=True))
""")
source_case("mha_outshape_5x8_h2_k4_o12", "MultiHeadAttention", """
x = keras.Input(shape=(5, 8))
model = keras.Model(x, layers.MultiHeadAttention(num_heads=2, key_dim=4, output_shape=12)(x, x))
""")
source_case("attention_5x8_7x8", "Attention", """
q = keras.Input(shape=(5, 8))
v = keras.Input(shape=(7, 8))
model = keras.Model([q, v], layers.Attention()([q, v]))
""")
source_case("attention_qvk_4x6_9x6_9x6", "Attention", """
q = keras.Input(shape=(4, 6))
v = keras.Input(shape=(9, 6))
k = keras.Input(shape=(9, 6))
model = keras.Model([q, v, k], layers.Attention()([q, v, k]))
""")
source_case("attention_scale_5x8_7x8", "Attention", """
q = keras.Input(shape=(5, 8))
v = keras.Input(shape=(7, 8))
model = keras.Model([q, v], layers.Attention(use_scale=True)([q, v]))
""")
source_case("attention_concat_5x8_7x8", "Attention", """
q = keras.Input(shape=(5, 8))
v = keras.Input(shape=(7, 8))
model = keras.Model([q, v], layers.Attention(score_mode="concat")([q, v]))
""")
source_case("attention_causal_6x4", "Attention", """
q = keras.Input(shape=(6, 4))
v = keras.Input(shape=(6, 4))
model = keras.Model([q, v], layers.Attention()([q, v], use_causal_mask=True))
""")
source_case("additiveattention_5x8_7x8", "AdditiveAttention", """
q = keras.Input(shape=(5, 8))
v = keras.Input(shape=(7, 8))
model = keras.Model([q, v], layers.AdditiveAttention()([q, v]))
""")
source_case("additiveattention_noscale_4x6_9x6", "AdditiveAttention", """
q = keras.Input(shape=(4, 6))
v = keras.Input(shape=(9, 6))
model = keras.Model([q, v], layers.AdditiveAttention(use_scale=False)([q, v]))
""")
source_case("gqa_cross_6x16_7x16_hd4_q4_kv2", "GroupQueryAttention", """
q = keras.Input(shape=(6, 16))
v = keras.Input(shape=(7, 16))
model = keras.Model([q, v], layers.GroupQueryAttention(4, 4, 2)(q, v))
""")
source_case("gqa_self_nobias_5x12_hd3_q6_kv3", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
model = keras.Model(x, layers.GroupQueryAttention(3, 6, 3, use_bias=False)(x, x))
""")
source_case("gqa_dropout_5x12_hd3_q6_kv3", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
model = keras.Model(x, layers.GroupQueryAttention(3, 6, 3, dropout=0.1)(x, x))
""")
source_case("gqa_scores_5x12_hd3_q6_kv2", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
model = keras.Model(x, layers.GroupQueryAttention(3, 6, 2)(x, x, return_attention_scores=True))
""")
source_case("gqa_causal_6x16_7x16_hd4_q4_kv2", "GroupQueryAttention", """
q = keras.Input(shape=(6, 16))
v = keras.Input(shape=(7, 16))
model = keras.Model([q, v], layers.GroupQueryAttention(4, 4, 2)(q, v, use_causal_mask=True))
""")
source_case("gqa_causal_dropout_5x12_hd3_q6_kv3", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
model = keras.Model(x, layers.GroupQueryAttention(3, 6, 3, dropout=0.1)(x, x, use_causal_mask=True))
""")
source_case("gqa_causal_mask_5x12_hd3_q6_kv3", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
m = keras.Input(shape=(5, 5), dtype='bool')
model = keras.Model([x, m], layers.GroupQueryAttention(3, 6, 3)(x, x, attention_mask=m, use_causal_mask=True))
""")
source_case("gqa_gate_5x12_hd3_q6_kv3", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
model = keras.Model(x, layers.GroupQueryAttention(3, 6, 3, use_gate=True)(x, x))
""")
source_case("gqa_window_5x12_hd3_q6_kv3", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
model = keras.Model(x, layers.GroupQueryAttention(3, 6, 3, sliding_window=2)(x, x))
""")
source_case("gqa_window_causal_5x12_hd3_q6_kv3", "GroupQueryAttention", """
x = keras.Input(shape=(5, 12))
model = keras.Model(x, layers.GroupQueryAttention(3, 6, 3, sliding_window=2)(x, x, use_causal_mask=True))
""")
source_case("mha_gate_6x16_h2_k4", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(6, 16))
model = keras.Model(x, layers.MultiHeadAttention(2, 4, use_gate=True)(x, x))
""")
source_case("mha_gate_5x8_7x6_h3_k2_v5", "MultiHeadAttention (arguments)", """
q = keras.Input(shape=(5, 8))
v = keras.Input(shape=(7, 6))
model = keras.Model([q, v], layers.MultiHeadAttention(3, 2, value_dim=5, use_gate=True)(q, v))
""")
source_case("mha_window_6x16_h2_k4", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(6, 16))
model = keras.Model(x, layers.MultiHeadAttention(2, 4, sliding_window=2)(x, x))
""")
source_case("mha_window_causal_6x16_h2_k4", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(6, 16))
model = keras.Model(x, layers.MultiHeadAttention(2, 4, sliding_window=3)(x, x, use_causal_mask=True))
""")
source_case("mha_causal_mask_6x16_h2_k4", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(6, 16))
m = keras.Input(shape=(6, 6), dtype='bool')
model = keras.Model([x, m], layers.MultiHeadAttention(2, 4)(x, x, attention_mask=m, use_causal_mask=True))
""")
source_case("mha_causal_dropout_5x8_h2_k3", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(5, 8))
model = keras.Model(x, layers.MultiHeadAttention(2, 3, dropout=0.2)(x, x, use_causal_mask=True))
""")
source_case("mha_4d_axis2_3x5x8_h2_k4", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(3, 5, 8))
model = keras.Model(x, layers.MultiHeadAttention(2, 4, attention_axes=(2,))(x, x))
""")
source_case("mha_4d_axis1_3x5x8_h2_k4", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(3, 5, 8))
model = keras.Model(x, layers.MultiHeadAttention(2, 4, attention_axes=(1,))(x, x))
""")
source_case("mha_5d_axes23_2x3x4x6_h2_k3", "MultiHeadAttention (arguments)", """
x = keras.Input(shape=(2, 3, 4, 6))
model = keras.Model(x, layers.MultiHeadAttention(2, 3, attention_axes=(2, 3))(x, x))
""")
source_case("attention_scores_5x8_7x8", "Attention (arguments)", """
q = keras.Input(shape=(5, 8))
v = keras.Input(shape=(7, 8))
model = keras.Model([q, v], layers.Attention()([q, v], return_attention_scores=True))
""")
source_case("attention_concat_scores_4x6_9x6", "Attention (arguments)", """
q = keras.Input(shape=(4, 6))
v = keras.Input(shape=(9, 6))
model = keras.Model([q, v], layers.Attention(score_mode='concat')([q, v], return_attention_scores=True))
""")
source_case("attention_4d_3x5x8_3x7x8", "Attention (arguments)", """
q = keras.Input(shape=(3, 5, 8))
v = keras.Input(shape=(3, 7, 8))
model = keras.Model([q, v], layers.Attention()([q, v]))
""")
source_case("attention_4d_scale_2x4x6_2x5x6", "Attention (arguments)", """
q = keras.Input(shape=(2, 4, 6))
v = keras.Input(shape=(2, 5, 6))
model = keras.Model([q, v], layers.Attention(use_scale=True)([q, v]))
""")

# --- recurrent -------------------------------------------------------------------------
for rnn in ["SimpleRNN", "LSTM", "GRU"]:
    low = rnn.lower()
    layer_case(f"{low}_last_5x3_u4", rnn, f"layers.{rnn}(4)", (5, 3))
    layer_case(f"{low}_seq_5x3_u4", rnn, f"layers.{rnn}(4, return_sequences=True)", (5, 3))
    layer_case(f"{low}_last_9x6_u2", rnn, f"layers.{rnn}(2)", (9, 6))
    layer_case(f"{low}_seq_7x2_u5", rnn, f"layers.{rnn}(5, return_sequences=True)", (7, 2))
    layer_case(f"{low}_unroll_5x3_u4", rnn, f"layers.{rnn}(4, unroll=True)", (5, 3))
    layer_case(f"{low}_unroll_seq_6x2_u3", rnn, f"layers.{rnn}(3, unroll=True, return_sequences=True)", (6, 2))
layer_case("gru_noreset_5x3_u4", "GRU", "layers.GRU(4, reset_after=False)", (5, 3))
layer_case("gru_noreset_unroll_5x3_u4", "GRU", "layers.GRU(4, reset_after=False, unroll=True)", (5, 3))
layer_case("lstm_nobias_5x3_u4", "LSTM", "layers.LSTM(4, use_bias=False)", (5, 3))
layer_case("gru_unroll_nobias_5x3_u4", "GRU (unroll, no bias)", "layers.GRU(4, unroll=True, use_bias=False)", (5, 3))
layer_case("gru_unroll_nobias_seq_4x2_u3", "GRU (unroll, no bias)", "layers.GRU(3, unroll=True, use_bias=False, return_sequences=True)", (4, 2))
layer_case("gru_unroll_nobias_noreset_5x3_u4", "GRU (unroll, no bias)", "layers.GRU(4, unroll=True, use_bias=False, reset_after=False)", (5, 3))
layer_case("gru_unroll_nobias_noreset_4x2_u3", "GRU (unroll, no bias)", "layers.GRU(3, unroll=True, use_bias=False, reset_after=False)", (4, 2))
layer_case("simplernn_gelu_5x3_u4", "RNN (activations)", "layers.SimpleRNN(4, activation='gelu')", (5, 3))
layer_case("gru_gelu_hardsig_6x2_u3", "RNN (activations)", "layers.GRU(3, activation='gelu', recurrent_activation='hard_sigmoid')", (6, 2))
layer_case("lstm_gelu_5x3_u4", "RNN (activations)", "layers.LSTM(4, activation='gelu')", (5, 3))
layer_case("lstm_swish_hardsig_4x2_u3", "RNN (activations)", "layers.LSTM(3, activation='swish', recurrent_activation='hard_sigmoid')", (4, 2))
layer_case("simplernn_gelu_unroll_4x3_u2", "RNN (activations)", "layers.SimpleRNN(2, activation='gelu', unroll=True)", (4, 3))
layer_case("convlstm2d_3x6x6x2_f4_k3", "ConvLSTM2D", "layers.ConvLSTM2D(4, 3)", (3, 6, 6, 2))
layer_case("convlstm1d_4x7x3_f2_k2_seq", "ConvLSTM1D", "layers.ConvLSTM1D(2, 2, return_sequences=True)", (4, 7, 3))
layer_case("convlstm2d_same_s2_nobias_3x7x5x3_f3_k3", "ConvLSTM2D", "layers.ConvLSTM2D(3, 3, strides=2, padding='same', use_bias=False)", (3, 7, 5, 3))
layer_case("convlstm3d_2x4x4x4x1_f2_k2_state", "ConvLSTM3D", "layers.ConvLSTM3D(2, 2, return_state=True)", (2, 4, 4, 4, 1))
layer_case("lstm_gelu_unroll_3x2_u2", "RNN (activations)", "layers.LSTM(2, activation='gelu', unroll=True)", (3, 2))
layer_case("lstm_hardsig_unroll_4x3_u3", "RNN (activations)", "layers.LSTM(3, recurrent_activation='hard_sigmoid', unroll=True)", (4, 3))
layer_case("gru_gelu_hardsig_unroll_3x2_u2", "RNN (activations)", "layers.GRU(2, activation='gelu', recurrent_activation='hard_sigmoid', unroll=True)", (3, 2))
layer_case("gru_noreset_swish_unroll_4x3_u3", "RNN (activations)", "layers.GRU(3, activation='swish', reset_after=False, unroll=True)", (4, 3))
layer_case("bidirectional_lstm_5x3_u4", "Bidirectional", "layers.Bidirectional(layers.LSTM(4))", (5, 3))
layer_case("bidirectional_gru_sum_5x4_u3", "Bidirectional (merge)", "layers.Bidirectional(layers.GRU(3), merge_mode='sum')", (5, 4))
layer_case("bidirectional_rnn_mul_seq_5x4_u3", "Bidirectional (merge)", "layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True), merge_mode='mul')", (5, 4))
layer_case("bidirectional_lstm_ave_5x4_u3", "Bidirectional (merge)", "layers.Bidirectional(layers.LSTM(3), merge_mode='ave')", (5, 4))
layer_case("bidirectional_rnn_ave_seq_6x2_u4", "Bidirectional (merge)", "layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True), merge_mode='ave')", (6, 2))
layer_case("bidirectional_gru_none_5x4_u3", "Bidirectional (merge)", "layers.Bidirectional(layers.GRU(3), merge_mode=None)", (5, 4))
layer_case("bidirectional_gru_sum_state_5x4_u3", "Bidirectional (merge)", "layers.Bidirectional(layers.GRU(3, return_state=True), merge_mode='sum')", (5, 4))

# --- preprocessing ---------------------------------------------------------------------
layer_case("rescaling_8x6", "Rescaling", "layers.Rescaling(1 / 255)", (8, 6))
layer_case("rescaling_offset_4x4x3", "Rescaling", "layers.Rescaling(1 / 127.5, offset=-1)", (4, 4, 3))
layer_case("normalization_8x6", "Normalization", "layers.Normalization(mean=0.5, variance=4.0)", (8, 6))
layer_case("normalization_axis_4x4x3", "Normalization", "layers.Normalization(axis=-1, mean=[0.1, 0.2, 0.3], variance=[1.0, 2.0, 3.0])", (4, 4, 3))
layer_case("normalization_invert_4x4x3", "Normalization", "layers.Normalization(axis=-1, mean=[0.1, 0.2, 0.3], variance=[1.0, 2.0, 3.0], invert=True)", (4, 4, 3))
layer_case("resizing_bilinear_8x8x3_to_4x6", "Resizing", "layers.Resizing(4, 6)", (8, 8, 3))
layer_case("resizing_nearest_5x5x2_to_10x7", "Resizing", "layers.Resizing(10, 7, interpolation='nearest')", (5, 5, 2))
layer_case("resizing_bilinear_crop_8x6x3_to_4x4", "Resizing", "layers.Resizing(4, 4, crop_to_aspect_ratio=True)", (8, 6, 3))
layer_case("resizing_bicubic_8x6x3_to_4x4", "Resizing (interpolation)", "layers.Resizing(4, 4, interpolation='bicubic')", (8, 6, 3))
layer_case("resizing_area_7x5x2_to_3x4", "Resizing (interpolation)", "layers.Resizing(3, 4, interpolation='area')", (7, 5, 2))
layer_case("resizing_lanczos3_8x6x3_to_4x4", "Resizing (interpolation)", "layers.Resizing(4, 4, interpolation='lanczos3')", (8, 6, 3))
layer_case("resizing_lanczos5_5x5x2_to_9x7", "Resizing (interpolation)", "layers.Resizing(9, 7, interpolation='lanczos5')", (5, 5, 2))
layer_case("resizing_antialias_8x6x3_to_4x4", "Resizing (interpolation)", "layers.Resizing(4, 4, antialias=True)", (8, 6, 3))
layer_case("resizing_bicubic_antialias_5x7x2_to_3x3", "Resizing (interpolation)", "layers.Resizing(3, 3, interpolation='bicubic', antialias=True)", (5, 7, 2))
layer_case("resizing_lanczos3_crop_8x6x3_to_4x4", "Resizing (interpolation)", "layers.Resizing(4, 4, interpolation='lanczos3', crop_to_aspect_ratio=True)", (8, 6, 3))
layer_case("centercrop_8x8x3_to_4x6", "CenterCrop", "layers.CenterCrop(4, 6)", (8, 8, 3))
layer_case("centercrop_upsize_4x4x3_to_6x5", "CenterCrop", "layers.CenterCrop(6, 5)", (4, 4, 3))

# --- argument variants that change the lowering ---------------------------------------
layer_case("relu_max5_8x5", "ReLU", "layers.ReLU(max_value=5.0)", (8, 5))
layer_case("relu_slope_max6_4x3", "ReLU", "layers.ReLU(max_value=6.0, negative_slope=0.1)", (4, 3))
layer_case("relu_threshold_slope_4x3", "ReLU", "layers.ReLU(threshold=0.5, negative_slope=0.1)", (4, 3))
layer_case("bn_nocenter_6x3", "BatchNormalization", "layers.BatchNormalization(center=False)", (6, 3))
layer_case("bn_4d_axis2_3x4x5", "BatchNormalization", "layers.BatchNormalization(axis=2)", (3, 4, 5))
layer_case("ln_scaleonly_7x5", "LayerNormalization", "layers.LayerNormalization(center=False)", (7, 5))
layer_case("ln_centeronly_7x5", "LayerNormalization", "layers.LayerNormalization(scale=False)", (7, 5))
layer_case("ln_axis1_3x5x4", "LayerNormalization", "layers.LayerNormalization(axis=1)", (3, 5, 4))
layer_case("gn_scaleonly_6x6x6_g3", "GroupNormalization", "layers.GroupNormalization(groups=3, center=False)", (6, 6, 6))
layer_case("gn_centeronly_6x6x6_g3", "GroupNormalization", "layers.GroupNormalization(groups=3, scale=False)", (6, 6, 6))
layer_case("gn_instance_5x5x4", "GroupNormalization", "layers.GroupNormalization(groups=-1)", (5, 5, 4))
layer_case("einsumdense_fallback_abcd_de_3x4x5_6", "EinsumDense", "layers.EinsumDense('abcd,de->abce', output_shape=(3, 4, 6), bias_axes='e')", (3, 4, 5))
source_case("mha_dropout_6x16_h2_k4", "MultiHeadAttention", """
x = keras.Input(shape=(6, 16))
model = keras.Model(x, layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)(x, x))
""")
source_case("mha_scores_5x8_h2_k3", "MultiHeadAttention", """
x = keras.Input(shape=(5, 8))
model = keras.Model(x, layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x, return_attention_scores=True))
""")
source_case("mha_1head_6x10_k5", "MultiHeadAttention", """
x = keras.Input(shape=(6, 10))
model = keras.Model(x, layers.MultiHeadAttention(num_heads=1, key_dim=5)(x, x))
""")
source_case("mha_2d_attention_axes_4x3x8_h2_k2", "MultiHeadAttention", """
x = keras.Input(shape=(4, 3, 8))
model = keras.Model(x, layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))(x, x))
""")
layer_case("simplernn_nobias_6x3_u5", "SimpleRNN", "layers.SimpleRNN(5, use_bias=False)", (6, 3))
layer_case("gru_nobias_6x3_u5", "GRU", "layers.GRU(5, use_bias=False)", (6, 3))
layer_case("gru_noreset_unroll_seq_4x3_u2", "GRU", "layers.GRU(2, reset_after=False, unroll=True, return_sequences=True)", (4, 3))
layer_case("lstm_unroll_nobias_4x3_u2", "LSTM", "layers.LSTM(2, use_bias=False, unroll=True)", (4, 3))
layer_case("conv2d_groups2_valid_10x10x4_k3_f4_nobias", "Conv2D", "layers.Conv2D(4, 3, groups=2, use_bias=False)", (10, 10, 4))
layer_case("dwconv2d_s2_dil_decomp_12x12x2_k3", "DepthwiseConv2D", "layers.DepthwiseConv2D(3, strides=2, dilation_rate=2)", (12, 12, 2))
layer_case("upsampling2d_bilinear_8x8x1", "UpSampling2D", "layers.UpSampling2D(3, interpolation='bilinear')", (8, 8, 1))

# --- data_format='channels_first' (Keras transposes or runs NCHW ops on CPU) -----------------
layer_case("cf_conv2d_cf", "Conv2D (conv2d_cf)", "layers.Conv2D(4, 3, data_format='channels_first')", (3, 8, 10))
layer_case("cf_conv2d_cf_relu_s2", "Conv2D (conv2d_cf_relu_s2)", "layers.Conv2D(5, 3, strides=2, padding='same', activation='relu', data_format='channels_first')", (3, 9, 8))
layer_case("cf_conv1d_cf", "Conv1D (conv1d_cf)", "layers.Conv1D(4, 3, data_format='channels_first')", (3, 8))
layer_case("cf_conv3d_cf", "Conv3D (conv3d_cf)", "layers.Conv3D(4, 2, data_format='channels_first')", (3, 4, 5, 6))
layer_case("cf_dw_cf", "DepthwiseConv2D (dw_cf)", "layers.DepthwiseConv2D(3, data_format='channels_first')", (3, 8, 8))
layer_case("cf_sep_cf", "SeparableConv2D (sep_cf)", "layers.SeparableConv2D(4, 3, data_format='channels_first')", (3, 8, 8))
layer_case("cf_convT_cf", "Conv2DTranspose (convT_cf)", "layers.Conv2DTranspose(4, 3, strides=2, data_format='channels_first')", (3, 5, 6))
layer_case("cf_conv2d_cf_groups", "Conv2D (conv2d_cf_groups)", "layers.Conv2D(4, 3, groups=2, data_format='channels_first')", (4, 8, 8))
layer_case("cf_conv2d_cf_nobias", "Conv2D (conv2d_cf_nobias)", "layers.Conv2D(4, 3, use_bias=False, data_format='channels_first')", (3, 8, 8))
layer_case("cf_conv1d_cf_dil", "Conv1D (conv1d_cf_dil)", "layers.Conv1D(4, 3, dilation_rate=2, data_format='channels_first')", (3, 12))
layer_case("cf_conv2d_cf_dil", "Conv2D (conv2d_cf_dil)", "layers.Conv2D(4, 3, dilation_rate=2, padding='same', data_format='channels_first')", (3, 9, 9))
layer_case("cf_conv3d_cf_nobias", "Conv3D (conv3d_cf_nobias)", "layers.Conv3D(4, 2, use_bias=False, data_format='channels_first')", (3, 4, 5, 6))
layer_case("cf_conv1dT_cf", "Conv1DTranspose (conv1dT_cf)", "layers.Conv1DTranspose(4, 3, strides=2, data_format='channels_first')", (3, 6))
layer_case("cf_conv3dT_cf", "Conv3DTranspose (conv3dT_cf)", "layers.Conv3DTranspose(4, 2, data_format='channels_first')", (3, 3, 4, 5))
layer_case("cf_dw1d_cf", "DepthwiseConv1D (dw1d_cf)", "layers.DepthwiseConv1D(3, data_format='channels_first')", (3, 9))
layer_case("cf_dw_cf_dm2", "DepthwiseConv2D (dw_cf_dm2)", "layers.DepthwiseConv2D(3, depth_multiplier=2, strides=2, data_format='channels_first')", (3, 9, 9))
layer_case("cf_sep1d_cf", "SeparableConv1D (sep1d_cf)", "layers.SeparableConv1D(4, 3, data_format='channels_first')", (3, 9))
layer_case("cf_maxpool2d_cf", "MaxPooling2D (maxpool2d_cf)", "layers.MaxPooling2D(2, data_format='channels_first')", (3, 8, 8))
layer_case("cf_avgpool2d_cf", "AveragePooling2D (avgpool2d_cf)", "layers.AveragePooling2D(2, data_format='channels_first')", (3, 8, 8))
layer_case("cf_maxpool1d_cf", "MaxPooling1D (maxpool1d_cf)", "layers.MaxPooling1D(2, data_format='channels_first')", (3, 8))
layer_case("cf_avgpool1d_cf", "AveragePooling1D (avgpool1d_cf)", "layers.AveragePooling1D(3, strides=2, data_format='channels_first')", (3, 9))
layer_case("cf_maxpool3d_cf", "MaxPooling3D (maxpool3d_cf)", "layers.MaxPooling3D(2, data_format='channels_first')", (3, 4, 4, 4))
layer_case("cf_gap2d_cf", "GlobalAveragePooling2D (gap2d_cf)", "layers.GlobalAveragePooling2D(data_format='channels_first')", (3, 8, 8))
layer_case("cf_gmp1d_cf", "GlobalMaxPooling1D (gmp1d_cf)", "layers.GlobalMaxPooling1D(data_format='channels_first')", (3, 8))
layer_case("cf_upsample_cf", "UpSampling2D (upsample_cf)", "layers.UpSampling2D(2, data_format='channels_first')", (3, 4, 4))
layer_case("cf_zeropad_cf", "ZeroPadding2D (zeropad_cf)", "layers.ZeroPadding2D(1, data_format='channels_first')", (3, 4, 4))
layer_case("cf_bn_ax1", "BatchNormalization (bn_ax1)", "layers.BatchNormalization(axis=1)", (3, 4, 4))

# --- LoRA and TimeDistributed ----------------------------------------------------------
layer_case("dense_lora", "Dense (dense_lora)", "layers.Dense(6, lora_rank=2)", (8,))
layer_case("dense_lora_3d", "Dense (dense_lora_3d)", "layers.Dense(6, lora_rank=3, lora_alpha=6.0, activation='relu')", (5, 8))
layer_case("dense_lora_nobias", "Dense (dense_lora_nobias)", "layers.Dense(4, lora_rank=1, use_bias=False)", (7,))
layer_case("conv2d_lora_8x8x3_k3_f6_r2", "Conv2D (lora)", "layers.Conv2D(6, 3, lora_rank=2)", (8, 8, 3))
layer_case("conv2d_lora_same_nobias_7x9x4_k3x2_f5_r3", "Conv2D (lora)", "layers.Conv2D(5, (3, 2), padding='same', lora_rank=3, use_bias=False)", (7, 9, 4))
layer_case("conv1d_lora_10x4_k3_f6_r2", "Conv1D (lora)", "layers.Conv1D(6, 3, lora_rank=2)", (10, 4))
layer_case("conv3d_lora_5x5x5x2_k3_f4_r2", "Conv3D (lora)", "layers.Conv3D(4, 3, lora_rank=2)", (5, 5, 5, 2))
layer_case("einsumdense_lora_ab_bc_32_16_r4", "EinsumDense (lora)", "layers.EinsumDense('ab,bc->ac', 16, bias_axes='c', lora_rank=4)", (32,))
layer_case("einsumdense_lora_abc_cde_5x8_r2", "EinsumDense (lora)", "layers.EinsumDense('abc,cde->abde', (5, 2, 3), bias_axes='de', lora_rank=2)", (5, 8))
layer_case("embedding_lora_20x8_len6_r3", "Embedding (lora)", "layers.Embedding(20, 8, lora_rank=3)", (6,), dtype="int32")
layer_case("embedding_lora_50x6_4x5_r2_alpha", "Embedding (lora)", "layers.Embedding(50, 6, lora_rank=2, lora_alpha=8.0)", (4, 5), dtype="int32")
layer_case("td_dense", "TimeDistributed (td_dense)", "layers.TimeDistributed(layers.Dense(4))", (5, 8))
layer_case("td_conv", "TimeDistributed (td_conv)", "layers.TimeDistributed(layers.Conv2D(4, 3))", (3, 8, 8, 2))
layer_case("td_bn", "TimeDistributed (td_bn)", "layers.TimeDistributed(layers.BatchNormalization())", (3, 6))
layer_case("td_pool", "TimeDistributed (td_pool)", "layers.TimeDistributed(layers.MaxPooling2D(2))", (3, 8, 8, 2))
layer_case("td_flatten", "TimeDistributed (td_flatten)", "layers.TimeDistributed(layers.Flatten())", (3, 4, 4, 2))
layer_case("td_dense_relu", "TimeDistributed (td_dense_relu)", "layers.TimeDistributed(layers.Dense(4, activation='softmax'))", (5, 8))

# --- keras.ops on functional tensors (rows such as `add (Add)`) -------------------------
OPS_CASES = {  # id -> (layer key, expression on the input x of shape (None, 4, 6, 8) or SHAPE)
    "add_scalar": ("ops.add", "x + 3.0"), "radd_broadcast": ("ops.add", "x[:, :1] + x"),
    "add_bias_last": ("ops.add", "x + keras.ops.ones((8,))"),
    "add_bias_axis1": ("ops.add", "keras.ops.add(keras.ops.reshape(x, (-1, 4, 48)), keras.ops.ones((4, 1)))"),
    "subtract": ("ops.subtract", "1.0 - x"), "multiply": ("ops.multiply", "x * x"),
    "divide": ("ops.divide", "x / (x + 1.0)"), "power": ("ops.power", "2.0 ** x"),
    "maximum": ("ops.maximum", "keras.ops.maximum(x, 0.0)"), "minimum": ("ops.minimum", "keras.ops.minimum(x, 0.5)"),
    "compare": ("ops.less", "keras.ops.cast(keras.ops.logical_and(x > 0, x <= 1), 'float32')"),
    "equal": ("ops.equal", "keras.ops.cast(keras.ops.not_equal(x, 0.0), 'float32')"),
    "floor_divide": ("ops.floor_divide", "x // 2.0"), "mod": ("ops.mod", "x % 2.0"),
    "negative": ("ops.negative", "-x"), "square": ("ops.square", "keras.ops.square(x)"),
    "rsqrt": ("ops.rsqrt", "keras.ops.rsqrt(x)"), "log": ("ops.log", "keras.ops.log(x)"),
    "reciprocal": ("ops.reciprocal", "keras.ops.reciprocal(x)"),
    "unregistered": ("ops.exp", "keras.ops.exp(keras.ops.sqrt(keras.ops.abs(keras.ops.tanh(x))))"),
    "clip": ("ops.clip", "keras.ops.clip(x, 0.0, 1.0)"),
    "mean": ("ops.mean", "keras.ops.mean(x, axis=(1, 2), keepdims=True)"),
    "sum": ("ops.sum", "keras.ops.sum(x, axis=-1)"), "sum_all": ("ops.sum", "keras.ops.sum(x)"),
    "max_prod": ("ops.max", "keras.ops.max(x, axis=1) + keras.ops.prod(x, axis=1)"),
    "var": ("ops.var", "keras.ops.var(x, axis=-1)"), "std": ("ops.std", "keras.ops.std(x, axis=1)"),
    "matmul_batched": ("ops.matmul", "keras.ops.matmul(x, keras.ops.transpose(x, (0, 1, 3, 2)))"),
    "matmul_matrix": ("ops.matmul", "keras.ops.matmul(x, keras.ops.ones((8, 5)))"),
    "layout": ("ops.reshape", "keras.ops.concatenate([keras.ops.reshape(x[:, 0], (-1, 48, 1)), "
                              "keras.ops.expand_dims(keras.ops.squeeze(x[:, :1, 0], 1), -1)], axis=1)"),
    "stack_split_tile": ("ops.stack", "keras.ops.stack(keras.ops.split(keras.ops.tile(x, (1, 2, 1, 1)), 2, "
                                      "axis=-1), axis=1)"),
    "softmax": ("ops.softmax", "keras.ops.softmax(x)"), "log_softmax": ("ops.log_softmax", "keras.ops.log_softmax(x)"),
    "free_activations": ("ops.relu", "keras.ops.elu(keras.ops.sigmoid(keras.ops.relu6(keras.ops.relu(x))))"),
    "silu": ("ops.silu", "keras.ops.silu(x)"), "hard_sigmoid": ("ops.hard_sigmoid", "keras.ops.hard_sigmoid(x)"),
    "hard_silu": ("ops.hard_silu", "keras.ops.hard_silu(x)"), "log_sigmoid": ("ops.log_sigmoid", "keras.ops.log_sigmoid(x)"),
    "gelu": ("ops.gelu", "keras.ops.gelu(x)"), "gelu_exact": ("ops.gelu", "keras.ops.gelu(x, approximate=False)"),
    "cast_where": ("ops.where", "keras.ops.where(x > 0, keras.ops.cast(x, 'float16'), 0.0)"),
    # issue 6: convolution ops (the layers' rules without bias), einsum, gather/repeat, softmax axes,
    # and ops whose TF op type has no flops statistic (top_k, FFT, linalg, affine_transform)
    "conv": ("ops.conv", "keras.ops.conv(x, keras.ops.ones((3, 3, 8, 5)))"),
    "conv_s2_same": ("ops.conv", "keras.ops.conv(x, keras.ops.ones((3, 2, 8, 4)), strides=2, padding='same')"),
    "conv_1d_dilated": ("ops.conv", "keras.ops.conv(keras.ops.reshape(x, (-1, 24, 8)), keras.ops.ones((3, 8, 4)), dilation_rate=2)"),
    "depthwise_conv": ("ops.depthwise_conv", "keras.ops.depthwise_conv(x, keras.ops.ones((3, 3, 8, 2)))"),
    "depthwise_conv_s2_same": ("ops.depthwise_conv", "keras.ops.depthwise_conv(x, keras.ops.ones((2, 3, 8, 1)), strides=2, padding='same')"),
    "separable_conv": ("ops.separable_conv", "keras.ops.separable_conv(x, keras.ops.ones((3, 3, 8, 2)), keras.ops.ones((1, 1, 16, 5)))"),
    "separable_conv_same": ("ops.separable_conv", "keras.ops.separable_conv(x, keras.ops.ones((2, 3, 8, 1)), keras.ops.ones((1, 1, 8, 3)), padding='same')"),
    "einsum_matmul": ("ops.einsum", "keras.ops.einsum('abcd,abed->abce', x, x)"),
    "einsum_matmul_const": ("ops.einsum", "keras.ops.einsum('abc,cd->abd', keras.ops.reshape(x, (-1, 24, 8)), keras.ops.ones((8, 3)))"),
    "einsum_other": ("ops.einsum", "keras.ops.einsum('abcd,de->abce', x, keras.ops.ones((8, 5)))[:, :1, :1, :1] + keras.ops.einsum('abcd,bd->ac', x, keras.ops.ones((4, 8)))[:, None, :, None]"),
    "softmax_axis1": ("ops.softmax", "keras.ops.softmax(x, axis=1)"),
    "softmax_axis2": ("ops.softmax", "keras.ops.softmax(x[:, :3], axis=2)"),
    "softmax_axis_none": ("ops.softmax", "keras.ops.softmax(x, axis=None)"),
    "softmax_axis_none_slice": ("ops.softmax", "keras.ops.softmax(x[:, 1:3], axis=None)"),
    "take": ("ops.take", "keras.ops.take(x, keras.ops.cast(keras.ops.ones((3,)), 'int32'), axis=2)"),
    "take_2d_indices": ("ops.take", "keras.ops.take(x, keras.ops.cast(keras.ops.zeros((2, 2)), 'int32'), axis=3)"),
    "take_along_axis": ("ops.take_along_axis", "keras.ops.take_along_axis(x, keras.ops.zeros((1, 4, 6, 2), dtype='int32'), axis=3)"),
    "take_along_axis_1": ("ops.take_along_axis", "keras.ops.take_along_axis(x, keras.ops.zeros((1, 2, 6, 8), dtype='int32'), axis=1)"),
    "repeat": ("ops.repeat", "keras.ops.repeat(x, 2, axis=1)"),
    "repeat_last": ("ops.repeat", "keras.ops.repeat(x, 3, axis=3)"),
    "top_k": ("ops.top_k", "keras.ops.top_k(x, 3)[0]"),
    "fft_rfft": ("ops.fft", "keras.ops.fft((x, x))[0] + keras.ops.rfft(x, fft_length=14)[0][..., :8]"),
    "fft2_irfft": ("ops.fft2", "keras.ops.fft2((x, x))[1] + keras.ops.irfft((x, x), fft_length=8)"),
    "ifft2": ("ops.ifft2", "keras.ops.add(*keras.ops.ifft2((x, x)))"),
    "ifft2_small": ("ops.ifft2", "keras.ops.multiply(*keras.ops.ifft2((x[:, :2], x[:, 1:3])))"),
    "linalg": ("ops.inv", "keras.ops.inv(keras.ops.reshape(x, (-1, 12, 4, 4))) + keras.ops.cholesky(keras.ops.reshape(x, (-1, 12, 4, 4))) "
                          "+ keras.ops.solve(keras.ops.reshape(x, (-1, 12, 4, 4)), keras.ops.reshape(x, (-1, 12, 4, 4))) "
                          "+ keras.ops.det(keras.ops.reshape(x, (-1, 12, 4, 4)))[..., None, None]"),
    "linalg_decompositions": ("ops.qr", "keras.ops.qr(x)[0][..., :1] + keras.ops.svd(x, compute_uv=False)[..., None] "
                                        "+ keras.ops.reshape(keras.ops.eigh(keras.ops.reshape(x, (-1, 12, 4, 4)))[0], (-1, 4, 12, 1))[..., :6, :]"),
    "affine_transform": ("ops.image.affine_transform", "keras.ops.image.affine_transform(x, keras.ops.ones((1, 8)))"),
    "affine_transform_nearest": ("ops.image.affine_transform", "keras.ops.image.affine_transform(x, keras.ops.ones((8,)), interpolation='nearest')"),
}
for _id, (_layer, _expr) in OPS_CASES.items():
    source_case(f"ops_{_id}", _layer, f"""
x = keras.Input(shape=(4, 6, 8))
model = keras.Model(x, {_expr})
""")

# --- small composite models (per-layer rules must add up) ------------------------------
source_case("composite_cnn", "Sequential", """
model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.BatchNormalization(),
    layers.MaxPooling2D(),
    layers.Conv2D(16, 3, padding="same", activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
""")
source_case("composite_residual", "Functional", """
x = keras.Input(shape=(8, 8, 4))
y = layers.Conv2D(4, 3, padding="same", use_bias=False)(x)
y = layers.BatchNormalization()(y)
y = layers.Activation("relu")(y)
y = layers.Add()([x, y])
y = layers.Flatten()(y)
model = keras.Model(x, layers.Dense(3)(y))
""")


# --- custom layers: a row's count is that of the layers and ops its call() runs ---------
_TRANSFORMER_BLOCK = """
class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.dropout1(self.att(inputs, inputs), training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.dropout2(self.ffn(out1), training=training)
        return self.layernorm2(out1 + ffn_output)
"""
source_case("composite_custom_transformer_block", "custom layer", _TRANSFORMER_BLOCK + """
x = keras.Input(shape=(10, 32))
model = keras.Model(x, TransformerBlock(32, 2, 64)(x))
""")
source_case("composite_custom_weights_ops_nested", "custom layer", """
class Affine(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 8))
        self.b = self.add_weight(shape=(8,))

    def call(self, x):
        return keras.ops.relu(keras.ops.matmul(x, self.w) + self.b)


class Outer(layers.Layer):
    def __init__(self):
        super().__init__()
        self.inner = Affine()
        self.dense = layers.Dense(4)

    def call(self, x):
        return self.dense(self.inner(x) * 2.0) + keras.ops.add(x[..., :4], 1.0)


x = keras.Input(shape=(6, 12))
model = keras.Model(x, Outer()(x))
""")

source_case("composite_custom_ops_add_is_bias_add", "custom layer", """
class Affine(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 8))
        self.b = self.add_weight(shape=(8,))

    def call(self, x):  # keras.ops.add: Keras' BiasAdd rule; `+` would be TensorFlow's AddV2
        return keras.ops.add(keras.ops.matmul(x, self.w), self.b) - 1.0


x = keras.Input(shape=(6, 12))
model = keras.Model(x, Affine()(x))
""")

source_case("composite_custom_token_and_position_embedding", "custom layer", """
class TokenAndPositionEmbedding(layers.Layer):  # a layer on constants inside call(): counted once
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        positions = self.pos_emb(keras.ops.arange(start=0, stop=keras.ops.shape(x)[-1], step=1))
        return self.token_emb(x) + positions


x = keras.Input(shape=(20,))
model = keras.Model(x, TokenAndPositionEmbedding(20, 100, 16)(x))
""")


def build(case: dict, keras_module=None):
    """Run ``case["source"]`` with ``keras`` (real Keras by default) and return its ``model``."""
    if keras_module is None:
        import keras as keras_module
    namespace = {"keras": keras_module, "layers": keras_module.layers}
    exec(compile(case["source"], f"<case {case['id']}>", "exec"), namespace)
    return namespace["model"]


def main(argv=None) -> int:
    import json
    import sys

    from tests.analysis.tf_profiler import profile_keras_model

    wanted = sys.argv[1:] if argv is None else argv
    for case in CASES:
        if wanted and not any(w in case["id"] for w in wanted):
            continue
        try:
            result = profile_keras_model(build(case))
        except Exception as error:  # a case Keras rejects is reported, not fatal
            result = {"error": f"{type(error).__name__}: {error}"[:300]}
        print(json.dumps({"id": case["id"], "layer": case["layer"], **result}), flush=True)
    return 0


if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    raise SystemExit(main())
