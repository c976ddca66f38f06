import keras_hub
import keras
m = keras_hub.models.Gemma3Backbone(vocabulary_size=100, image_size=16, num_layers=7, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=64, head_dim=8, use_sliding_window_attention=True, sliding_window_size=8, use_post_ffw_norm=True, use_post_attention_norm=True)
m.summary()
keras_hub.models.Gemma3CausalLM(backbone=m, preprocessor=None).summary()
m = keras_hub.models.Gemma3Backbone(vocabulary_size=100, image_size=16, num_layers=2, num_query_heads=4, num_key_value_heads=1, hidden_dim=32, intermediate_dim=64, head_dim=8, use_query_key_norm=False, is_embedding_model=True, pooling_intermediate_dim=48, embedding_dim=24, dropout=0.1)
m.summary()
print(keras.layers.Dropout(0.1).name, keras.layers.Dense(3).name)
