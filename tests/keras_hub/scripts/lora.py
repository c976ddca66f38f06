import keras_hub
m = keras_hub.models.GemmaBackbone(vocabulary_size=100, num_layers=2, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=64, head_dim=8)
lm = keras_hub.models.GemmaCausalLM(backbone=m, preprocessor=None)
lm.backbone.enable_lora(rank=4)
lm.summary()
m.summary(show_trainable=True)
b = keras_hub.models.LlamaBackbone(vocabulary_size=100, num_layers=1, num_query_heads=4, num_key_value_heads=2, hidden_dim=32, intermediate_dim=64)
b.enable_lora(2, target_layer_names=["query", "key", "value", "attention_output"])
b.summary()
