import keras_hub
import keras
m = keras_hub.models.MixtralBackbone(vocabulary_size=100, num_layers=2, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=24, num_experts=4, top_k=2)
m.summary()
keras_hub.models.MixtralCausalLM(backbone=m, preprocessor=None).summary()
m = keras_hub.models.QwenMoeBackbone(vocabulary_size=100, num_layers=3, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=48, moe_intermediate_dim=16, shared_expert_intermediate_dim=40, num_experts=4, top_k=2, mlp_only_layers=[1])
m.summary()
keras_hub.models.QwenMoeCausalLM(backbone=m, preprocessor=None).summary()
m = keras_hub.models.Qwen3MoeBackbone(vocabulary_size=100, num_layers=3, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=48, moe_intermediate_dim=16, num_experts=4, top_k=2, head_dim=16, decoder_sparse_step=2)
m.summary()
keras_hub.models.Qwen3MoeCausalLM(backbone=m, preprocessor=None).summary()
print(keras.layers.Dropout(0.1).name, keras.layers.Dense(3).name)
