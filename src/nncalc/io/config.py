"""Models from Keras configs: ``model.to_json()`` / ``get_config()`` documents.

Both formats are read:

* Keras 3: each layer ``{"module", "class_name", "config", "name", "inbound_nodes":
  [{"args": [...], "kwargs": {...}}]}`` where a tensor is
  ``{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, tensor]}}``;
* Keras 2 / tf.keras: ``"inbound_nodes": [[[layer, node, tensor, kwargs], ...]]`` and
  ``batch_input_shape`` instead of ``batch_shape``.

The graph is rebuilt the way Keras does it (``functional_from_config``): create every
layer, then call each layer on its recorded inputs, in config order, as soon as they
exist. Weights are never read.
"""

from __future__ import annotations

from ..core.functional import Functional
from ..core.sequential import Sequential
from ..core.tensor import standardize_shape
from ..errors import LayerError, ModelError, NncalcError, Unsupported
from ..layers import LAYERS
from .revived import Constant, revived_class

KERAS_TENSOR = "__keras_tensor__"
CONSTANTS = ("__tensor__", "__numpy__")  # serialized constant arrays


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _malformed(what: str, value) -> ModelError:
    """A config whose structure is not what Keras writes (Keras fails on it too)."""
    return ModelError(f"malformed model config: {what} (got {_short(value)})")


def _layer_class(class_name: str, custom_objects: dict, module=None):
    name = class_name.rsplit(">", 1)[-1]  # registered names such as "keras_hub>TokenEmbedding"
    if class_name in custom_objects:
        return custom_objects[class_name]
    revived = revived_class(module, name)  # keras.ops operations, keras.applications layers
    if revived is not None:
        return revived
    if module and module.startswith(("keras.src.ops", "keras.ops")):
        raise Unsupported(f"operation '{module}.{class_name}' is not supported by nncalc yet")
    if name in LAYERS:
        return LAYERS[name]
    models = {"Functional": Functional, "Model": Functional, "Sequential": Sequential}
    if name in models:
        return models[name]
    raise Unsupported(f"layer class '{class_name}' is not supported by nncalc yet")


def _layer_kwargs(class_name: str, config: dict) -> dict:
    """A layer config as constructor arguments (Keras 2 spellings translated)."""
    kwargs = dict(config)
    if "batch_input_shape" in kwargs:  # Keras 2
        shape = kwargs.pop("batch_input_shape")
        if class_name == "InputLayer":
            kwargs["batch_shape"] = shape
        elif shape is not None:
            kwargs["input_shape"] = tuple(shape[1:])
    return kwargs


def deserialize_layer(data: dict, custom_objects: dict | None = None):
    """One layer (or nested model) from its config entry."""
    custom_objects = custom_objects or {}
    if not isinstance(data, dict) or "class_name" not in data:
        raise ModelError(f"not a Keras layer config: {str(data)[:80]}")
    if "config" not in data:  # Keras reads such an entry as a plain dict, not a layer, and fails
        raise _malformed(f"the entry of a {data['class_name']!s:.40} layer has no 'config'", data)
    class_name = data["class_name"]
    config = {} if data["config"] is None else data["config"]  # null is Keras' {} (the defaults)
    if not isinstance(class_name, str):
        raise _malformed("a layer's 'class_name' must be a string", class_name)
    if not isinstance(config, dict):
        raise _malformed(f"the 'config' of a {class_name} layer must be an object", config)
    if not isinstance(data.get("module"), (str, type(None))):
        raise _malformed(f"the 'module' of a {class_name} layer must be a string", data.get("module"))
    cls = _layer_class(class_name, custom_objects, data.get("module"))
    registered = data.get("registered_name")
    module = data.get("module")
    public = isinstance(module, str) and (module == "keras" or module.startswith("keras.")) \
        and not module.startswith("keras.src.")
    if (registered and registered != class_name and class_name not in custom_objects and public
            and not (isinstance(registered, str) and ">" in registered)):
        # Keras' _assert_no_registered_name_for_builtin: built-ins carry no registered name. Keras
        # checks it where it finds the class by its public name ("keras.layers.Dense"); a private
        # module ("keras.src.models.functional") is imported instead, without the check.
        raise ModelError(f"`registered_name={registered!r:.40}` was provided in the config, but "
                         f"'{class_name}' resolved to a Keras built-in and does not use registered "
                         "names. Remove the `registered_name` field from the config")
    if cls is Sequential:
        return sequential_from_config(config, custom_objects)
    if cls is Functional:
        return functional_from_config(config, custom_objects)
    for key, value in config.items():  # initializers, regularizers, constraints: see _check_unhashable
        if isinstance(key, str) and key.endswith(SERIALIZED_OBJECT_KEYS) and isinstance(value, dict):
            _check_unhashable(value, key, class_name, config.get("name"))
    if isinstance(config.get("dtype"), dict):  # Keras: Operation.from_config reads the policy
        config = {**config, "dtype": _dtype_policy(config["dtype"], class_name, config.get("name"),
                                                   legacy="module" not in data)}
    try:
        layer = cls(**_layer_kwargs(class_name, config))
    except TypeError as error:
        raise ModelError(f"layer '{config.get('name', '?')}' ({class_name}): {error}") from None
    if "module" in data:  # Keras 3 entries: deserialize_keras_object builds from build_config
        _build_from_config(layer, data.get("build_config"))
    return layer


def _build_from_config(layer, build_config) -> None:
    """Keras' ``build_from_config``: ``build(build_config["input_shape"])`` before the layer is
    called, so its weights follow the recorded shape and a call on another shape meets the
    input checks (as in Keras). Other build configs (``shapes_dict``) and shapes that are not
    shapes are left to the call."""
    if not isinstance(build_config, dict) or layer.built or build_config.get("input_shape") is None:
        return
    shape = _shape_from_json(build_config["input_shape"])
    if shape is None:  # Keras hands it to build() as it is, which often reads only its last dim:
        return         # left to the call, which builds from the tensor's shape
    try:
        layer.build_for_call(shape)
    except NncalcError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError) as error:
        raise LayerError(layer.name, type(layer).__name__, f"{error} (in build_from_config())") from None
    layer._build_shapes = shape
    layer.built = True


def _shape_from_json(value):
    """A recorded shape (``[null, 5, 8]``) as a tuple, several as a list of tuples; None if it is not one."""
    if isinstance(value, (list, tuple)) and all(d is None or (isinstance(d, int) and not isinstance(d, bool)
                                                               and d >= 0) for d in value):
        return tuple(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (list, tuple)) for v in value):
        shapes = [_shape_from_json(v) for v in value]
        return None if any(s is None for s in shapes) else shapes
    return None


# Layer arguments Keras deserializes with a registry of its own (``initializers.get``, ...).
SERIALIZED_OBJECT_KEYS = ("_initializer", "_regularizer", "_constraint")


def _check_unhashable(value: dict, key: str, class_name: str, layer_name) -> None:
    """A serialized initializer, regularizer or constraint whose ``class_name`` is a list or an
    object: Keras looks it up in its registry (``config not in module_objects``) and fails,
    "unhashable type". (nncalc reads none of them otherwise: they change no shape or count.)
    """
    kind = value.get("class_name")
    if isinstance(kind, (list, dict)):
        raise LayerError(layer_name if isinstance(layer_name, str) else None, class_name,
                         f"its '{key}' cannot be read: unhashable type: '{type(kind).__name__}'")


# Keras' ``dtype_policies.ALL_OBJECTS_DICT``: the classes a serialized dtype policy may name.
DTYPE_POLICY_CLASSES = ("DTypePolicy", "FloatDTypePolicy", "QuantizedDTypePolicy",
                        "QuantizedFloat8DTypePolicy", "DTypePolicyMap", "GPTQDTypePolicy",
                        "Int4DTypePolicy", "AWQDTypePolicy")


def _dtype_policy(policy: dict, class_name: str, layer_name, legacy: bool = False):
    """A layer's serialized ``dtype`` policy as Keras' ``Operation.from_config`` reads it.

    Keras deserializes it with ``dtype_policies.deserialize``: without ``class_name`` it is
    refused; a ``class_name`` that names no dtype policy class comes back as itself (a
    number, a string), and reading its ``quantization_mode`` fails; a ``DTypePolicy`` is
    ``DTypePolicy(**config)``, whose ``name`` must be a string naming a dtype or be absent
    (the global policy), and the layer is given that name (None: the global policy).
    Quantized policies and maps are returned as they are, for
    :func:`nncalc.core.dtypes.get_policy`. ``legacy`` (a layer entry without ``module``,
    Keras 2 / tf.keras): tf.keras' mixed precision ``Policy`` is read as a ``DTypePolicy``
    (Keras 3 refuses it; nncalc reads the old files users have).
    """
    kind = policy.get("class_name")
    if "class_name" not in policy:
        cause = f"Unknown `config` as a `dict`, config={_short(policy)}"
    elif policy.get("module", "_") is None:
        cause = (f"Cannot deserialize object of type `{_short(kind)}`. If `{_short(kind)}` is a custom class, "
                 "please register it using the `@keras.saving.register_keras_serializable()` decorator.")
    elif isinstance(kind, (list, dict)):
        cause = f"unhashable type: '{type(kind).__name__}'"
    elif kind not in DTYPE_POLICY_CLASSES and not (legacy and kind == "Policy"):
        cause = (f"its class_name {_short(kind)} names no dtype policy class, so Keras reads it as "
                 f"a {type(kind).__name__}: '{type(kind).__name__}' object has no attribute 'quantization_mode'")
    elif not isinstance({} if policy.get("config") is None else policy["config"], dict):
        cause = (f"Expected 'config' to be a dict for {kind}, instead got "
                 f"{type(policy['config'])} Full config: {_short(policy)}")
    elif kind in ("DTypePolicy", "FloatDTypePolicy", "Policy"):
        inner = policy.get("config") or {}
        name = inner.get("name")
        if set(inner) - {"name"}:
            cause = (f"DTypePolicy.__init__() got an unexpected keyword argument "
                     f"'{sorted(map(str, set(inner) - {'name'}))[0]}'")
        elif name is not None and not isinstance(name, str):
            cause = (f"'name' must be a string, such as 'mixed_float16'. Received: name={_short(name)} "
                     f"(of type {type(name)})")
        elif name is not None and name not in KERAS_DTYPES and name not in ("mixed_float16", "mixed_bfloat16"):
            cause = (f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies include "
                     "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as 'float32'.")
        else:
            return name
    else:
        return policy  # quantized policies and maps: nncalc.core.dtypes.get_policy says what it makes of them
    raise LayerError(layer_name if isinstance(layer_name, str) else None, class_name,
                     f"its 'dtype' is not a dtype policy Keras can read: {cause}")


def sequential_from_config(config: dict, custom_objects: dict | None = None):
    """``Sequential.from_config``: add each layer, then build if an input shape is known."""
    if "name" not in config or "layers" not in config:
        raise ModelError(
            "A Sequential model configuration must be a dictionary containing the 'name' and "
            f"'layers' keys. Received: config={str(config)[:80]}"
        )
    if not isinstance(config["layers"], list):
        raise _malformed("a Sequential model's 'layers' must be a list", config["layers"])
    model = Sequential(name=config["name"])
    for layer_data in config["layers"]:
        model.add(deserialize_layer(layer_data, custom_objects))
    shape = config.get("build_input_shape")
    if model._functional is None and isinstance(shape, (list, tuple)) and shape:
        model.build(tuple(shape))
    return model


# Keras' ``dtypes.ALLOWED_DTYPES``, and ``"int"`` (its ``PYTHON_DTYPES_MAP``): what
# ``backend.standardize_dtype`` takes from a config (no "float", "double" or "int4").
KERAS_DTYPES = frozenset({
    "bfloat16", "bool", "complex128", "complex64", "float16", "float32", "float64", "float8_e4m3fn",
    "float8_e5m2", "int16", "int32", "int64", "int8", "string", "uint16", "uint32", "uint64", "uint8",
    "int"})


def _check_keras_dtype(dtype, what: str) -> None:
    """Keras' ``standardize_dtype`` on a config value: None (floatx) or an allowed name."""
    if dtype is not None and not (isinstance(dtype, str) and dtype in KERAS_DTYPES):
        cause = (f"unhashable type: '{type(dtype).__name__}'" if isinstance(dtype, (list, dict))
                 else f"Invalid dtype: {dtype}")
        raise ModelError(f"malformed model config: {what}: {cause}")


def _tensor_history(value, layer_name=None):
    """``[layer, node, tensor]`` of a serialized Keras 3 tensor, else None.

    Keras revives the tensor before it looks the history up: ``KerasTensor(config["shape"],
    dtype=config["dtype"])`` (``deserialize_keras_object``), so a recorded shape or dtype
    that ``standardize_shape`` / ``standardize_dtype`` refuse, or a missing key, fails the
    load although the shape itself is then taken from the graph. The same is refused here.
    """
    if isinstance(value, dict) and value.get("class_name") == KERAS_TENSOR:
        where = f"a tensor in an inbound node of layer '{layer_name}'" if layer_name else "a tensor"
        config = {} if value.get("config") is None else value["config"]
        if not isinstance(config, dict):
            raise _malformed(f"the 'config' of {where} must be an object", config)
        for key in ("shape", "dtype", "keras_history"):  # Keras: KeyError
            if key not in config:
                raise _malformed(f"{where} has no '{key}'", config)
        try:
            standardize_shape(config["shape"])
        except ValueError as error:
            raise ModelError(f"malformed model config: the recorded shape of {where}: {error}") from None
        _check_keras_dtype(config["dtype"], f"the recorded dtype of {where}")
        history = config["keras_history"]
        if not (isinstance(history, list) and len(history) >= 3):
            raise _malformed("a tensor's 'keras_history' must be [layer name, node index, tensor index]",
                             history)
        return history
    return None


def functional_from_config(config: dict, custom_objects: dict | None = None):
    """``Functional.from_config``: recreate the layers, then replay their calls."""
    for key in ("name", "layers", "input_layers", "output_layers"):
        # Keras' Model.from_config revives a Functional model only from all four keys; without
        # one it calls Functional(**config), which fails ("Unable to revive model from config")
        if key not in config:
            raise ModelError(f"a functional model config needs '{key}'")
    if not isinstance(config["layers"], list):
        raise _malformed("a functional model's 'layers' must be a list", config["layers"])
    created: dict = {}
    pending: dict = {}
    orphaned: list = []
    order = []
    for layer_data in config["layers"]:
        layer = deserialize_layer(layer_data, custom_objects)
        for key in ("name", "inbound_nodes"):  # Keras: layer_data["name"], layer_data["inbound_nodes"]
            if key not in layer_data:
                raise _malformed(f"the entry of a {layer_data['class_name']!s:.40} layer in a functional "
                                 f"model has no '{key}'", sorted(layer_data))
        name = layer_data["name"]  # the name the graph refers to (Keras: even "" or another one)
        if not isinstance(name, str):
            raise _malformed("a layer's 'name' must be a string", name)
        if name in created and pending.get(name):
            # Keras replays the calls of the layer *object* it created for an entry, looking it up
            # by name: the earlier layer of a name used twice keeps its calls unreplayed forever
            orphaned.append(name)
        created[name] = layer
        order.append(name)
        inbound = layer_data["inbound_nodes"]
        if not isinstance(inbound, list):
            raise _malformed(f"the 'inbound_nodes' of layer '{name}' must be a list", inbound)
        nodes = list(inbound)
        for node in nodes:
            if not node:  # Keras calls the layer without inputs, which fails
                raise _malformed(f"an inbound node of layer '{name}' is empty", node)
            if not isinstance(node, (dict, list)) or (isinstance(node, list) and not all(
                    isinstance(entry, list) and len(entry) >= 3 for entry in node)):
                raise _malformed(f"an inbound node of layer '{name}'", node)
        if nodes:
            pending[name] = list(nodes)
        else:
            pending.pop(name, None)

    def tensor(layer_name, node_index, tensor_index):
        if not (isinstance(layer_name, str) and type(node_index) is int and type(tensor_index) is int):
            raise _malformed("a tensor reference must be [layer name, node index, tensor index]",
                             [layer_name, node_index, tensor_index])
        if layer_name not in created:
            raise ModelError(f"Invalid Functional model configuration. Missing node: {layer_name}")
        layer = created[layer_name]
        if isinstance(layer, Functional):
            # Keras' own loader does this (so index 0 becomes -1: the last call, by Python's
            # negative indexing); mirrored so that the same configs give the same graphs.
            node_index -= 1
        if not -len(layer._inbound_nodes) <= node_index < len(layer._inbound_nodes):
            raise IndexError(layer_name)
        return layer._inbound_nodes[node_index].output_tensors[tensor_index]

    def revive(value, layer_name=None):
        history = _tensor_history(value, layer_name)
        if history is not None:
            return tensor(*history[:3])
        if isinstance(value, dict) and value.get("class_name") in CONSTANTS:
            constant = value.get("config") or {}
            if not isinstance(constant, dict):
                raise _malformed("a constant's 'config' must be an object", constant)
            return Constant(constant.get("value"))
        if isinstance(value, dict):
            return {k: revive(v, layer_name) for k, v in value.items()}
        if isinstance(value, list):
            return [revive(v, layer_name) for v in value]
        return value

    def call_arguments(node_data, name):
        if isinstance(node_data, list):  # Keras 2: [[layer, node, tensor, kwargs], ...]
            tensors = [tensor(*entry[:3]) for entry in node_data]
            kwargs = node_data[0][3] if len(node_data[0]) > 3 else {}
            args = [tensors[0] if len(tensors) == 1 else tensors]
        else:
            for key in ("args", "kwargs"):  # Keras: node_data["args"], node_data["kwargs"]
                if key not in node_data:
                    raise _malformed(f"an inbound node of layer '{name}' has no '{key}'", node_data)
            args, kwargs = node_data["args"], node_data["kwargs"]
        if not isinstance(args, list) or not isinstance(kwargs, dict):  # Keras: layer(*args, **kwargs)
            raise _malformed("an inbound node's 'args' must be a list and its 'kwargs' an object",
                             node_data)
        kwargs = revive(kwargs, name)
        if not all(isinstance(k, str) for k in kwargs):
            raise _malformed("an inbound node's 'kwargs' keys must be strings", node_data)
        return revive(args, name), kwargs

    while pending:
        progressed = False
        for name in order:
            nodes = pending.get(name)
            while nodes:
                try:
                    args, kwargs = call_arguments(nodes[0], name)
                except IndexError:
                    break
                created[name](*args, **kwargs)
                nodes.pop(0)
                progressed = True
            if name in pending and not pending[name]:
                del pending[name]
        if not progressed:
            orphaned = list(pending)
            break
    if orphaned:
        raise ModelError(
            "Invalid Functional model configuration: the graph has loops or disconnected "
            f"nodes (unresolved layers: {', '.join(dict.fromkeys(orphaned))})"
        )

    def endpoints(structure, key):
        if isinstance(structure, list) and len(structure) == 3 and isinstance(structure[0], str):
            try:
                return tensor(*structure)
            except IndexError:  # no such node or tensor
                raise ModelError(f"Invalid Functional model configuration: '{key}' refers to "
                                 f"{_short(structure)}, which the layers do not produce") from None
        if isinstance(structure, dict):
            return {k: endpoints(v, key) for k, v in structure.items()}
        if isinstance(structure, list) and structure:
            return [endpoints(v, key) for v in structure]
        raise _malformed(f"'{key}' must hold [layer name, node index, tensor index] lists", structure)

    inputs = endpoints(config["input_layers"], "input_layers")
    outputs = endpoints(config["output_layers"], "output_layers")
    return Functional(inputs, outputs, name=config.get("name"), trainable=config.get("trainable"))


def optimizer_from_config(config):
    """An nncalc optimizer from a serialized one (``{"class_name": "Adam", "config": {...}}`` or a name)."""
    from .. import optimizers

    if isinstance(config, dict):
        name = str(config.get("class_name", "")).rsplit(">", 1)[-1]
        cls = optimizers.BY_NAME.get(name.lower())
        if cls is None:
            raise Unsupported(f"optimizer '{name}' is not supported by nncalc yet")
        return cls(**(config.get("config") or {}))
    return optimizers.get(config)


def compile_from_config(model, compile_config) -> None:
    """Keras compiles a loaded model from its ``compile_config`` and builds its optimizer."""
    if not compile_config or not hasattr(model, "compile"):
        return
    if not isinstance(compile_config, dict):  # Keras: compile(**compile_config) fails
        raise _malformed("a model's 'compile_config' must be an object", compile_config)
    model.compile(optimizer=optimizer_from_config(compile_config.get("optimizer", "rmsprop")),
                  loss=compile_config.get("loss"))
    if model.built:
        model.optimizer.build(model.trainable_weights)


def model_from_config(data: dict, custom_objects: dict | None = None):
    """A model from ``{"class_name": ..., "config": ...}`` (what ``to_json()`` writes).

    A ``compile_config`` compiles the model and builds its optimizer, as Keras does, so
    the summary shows the same "Optimizer params" line.
    """
    model = deserialize_layer(data, custom_objects)
    compile_from_config(model, data.get("compile_config"))
    return model


def set_input_shapes(data: dict, shapes: list) -> dict:
    """A copy of a model config whose inputs have the given shapes (see :func:`_set_input_shapes`).

    A config whose structure is not Keras' is refused in one line, not with a crash.
    """
    try:
        return _set_input_shapes(data, shapes)
    except (AttributeError, TypeError, KeyError, IndexError):
        raise _malformed("its layers and inputs are not where Keras writes them (--input-shape)",
                         data.get("class_name") if isinstance(data, dict) else data) from None


def _set_input_shapes(data: dict, shapes: list) -> dict:
    """A copy of a model config whose inputs have the given shapes (batch axis excluded).

    For ``--input-shape``: a model saved with free dims (``Input((None, None, 3))``) gets
    concrete ones, as if it had been built with ``Input(shape)``; one shape per model input,
    in the order of the config's ``input_layers``.
    """
    import copy

    data = copy.deepcopy(data)
    class_name = data.get("class_name")
    config = data.get("config") or {}
    if not isinstance(config, dict) or not isinstance(config.get("layers") or [], list):
        raise _malformed("a model config holds an object with a 'layers' list", config)
    layers = config.get("layers") or []
    if class_name == "Sequential":
        targets = [layers[0]] if layers and layers[0].get("class_name") == "InputLayer" else []
        if not targets and layers:
            targets = [layers[0]]
        config["build_input_shape"] = [None, *shapes[0]] if len(shapes) == 1 else config.get("build_input_shape")
    else:
        inputs = config.get("input_layers") or []
        if inputs and isinstance(inputs[0], str):  # one input written as [name, node, tensor]
            inputs = [inputs]
        by_name = {entry.get("name") or entry.get("config", {}).get("name"): entry for entry in layers}
        targets = [by_name[name] for name, *_ in inputs if name in by_name]
    if len(targets) != len(shapes):
        raise ModelError(f"--input-shape was given {len(shapes)} time(s) but the model has "
                         f"{len(targets)} input(s)")
    for entry, shape in zip(targets, shapes):
        layer_config = entry.setdefault("config", {})
        is_input = entry.get("class_name") == "InputLayer"
        key = "batch_shape" if is_input and "batch_input_shape" not in layer_config else "batch_input_shape"
        for other in ("batch_input_shape", "batch_shape", "input_shape"):
            layer_config.pop(other, None)
        layer_config[key] = [None, *shape]
    return data
