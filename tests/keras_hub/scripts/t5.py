import keras_hub
import keras
m = keras_hub.models.T5Backbone(vocabulary_size=100, num_layers=2, num_heads=4, hidden_dim=32, intermediate_dim=64)
m.summary()
keras_hub.models.T5Seq2SeqLM(backbone=m, preprocessor=None).summary()
m = keras_hub.models.T5Backbone(vocabulary_size=100, num_layers=1, num_heads=2, hidden_dim=32, intermediate_dim=64, key_value_dim=8, use_gated_activation=False, tie_embedding_weights=False, activation="gelu")
m.summary()
keras_hub.models.T5Seq2SeqLM(backbone=m, preprocessor=None).summary()
print(keras.layers.Dropout(0.1).name, keras.layers.Dense(3).name)
