import keras_hub
m = keras_hub.models.LlamaBackbone(vocabulary_size=100, num_layers=2, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=64)
m.summary()
lm = keras_hub.models.LlamaCausalLM(backbone=m, preprocessor=None)
lm.summary()
