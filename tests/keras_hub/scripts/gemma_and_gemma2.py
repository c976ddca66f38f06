import keras_hub
import keras
m = keras_hub.models.GemmaBackbone(vocabulary_size=100, num_layers=2, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=64, head_dim=8)
m.summary()
keras_hub.models.GemmaCausalLM(backbone=m, preprocessor=None).summary()
m = keras_hub.models.GemmaBackbone(vocabulary_size=100, num_layers=3, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=64, head_dim=8, use_post_ffw_norm=True, use_post_attention_norm=True, attention_logit_soft_cap=50.0, final_logit_soft_cap=30.0, use_sliding_window_attention=True, sliding_window_size=16, query_head_dim_normalize=False, dropout=0.1)
m.summary()
keras_hub.models.GemmaCausalLM(backbone=m, preprocessor=None).summary()
print(keras.layers.Dropout(0.1).name, keras.layers.Dense(3).name)
