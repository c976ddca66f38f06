import keras_hub
import keras
m = keras_hub.models.GPTNeoXBackbone(vocabulary_size=100, num_layers=2, num_heads=4, hidden_dim=32, intermediate_dim=64)
m.summary()
keras_hub.models.GPTNeoXCausalLM(backbone=m, preprocessor=None).summary()
m = keras_hub.models.FalconBackbone(vocabulary_size=100, num_layers=2, num_attention_heads=4, hidden_dim=32, intermediate_dim=64)
m.summary()
keras_hub.models.FalconCausalLM(backbone=m, preprocessor=None).summary()
print(keras.layers.Dropout(0.1).name, keras.layers.Dense(3).name)
