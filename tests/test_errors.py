"""Every kind of bad input ends in one line naming what is wrong and where, with exit code 2.

Each case is run through the command (``nncalc.cli.main``, in-process) in English and in
Chinese: exit code 2, exactly one line on stderr, ``nncalc: error: <file>[:<line>]: ...``
(``nncalc: 错误: ...``) with the expected fragments (the layer, its class, the cause).
``test_keras_rejects_it_too`` checks, with real Keras, that Keras rejects the same inputs.
"""

from __future__ import annotations

import functools
import io
import json
import math
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from .fuzz.harness import run_cli, seed_configs

ROOT = Path(__file__).resolve().parents[1]


def script(source: str):
    return ("model.py", textwrap.dedent(source))


def config(mutate, name="model.json", seed="merge"):
    data = json.loads(json.dumps(seed_configs()[seed]))
    mutate(data)
    return (name, json.dumps(data))


def layers_of(data):
    return data["config"]["layers"]


def _unknown_class(data):
    layers_of(data)[1]["class_name"] = "FancyDense"


def _missing_inbound(data):
    layers_of(data)[2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"][0] = "ghost"


def _cycle(data):  # dense takes its input from add, which needs dense's output
    layers_of(data)[2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"][0] = "add"


def _nan_rate(data):
    next(l for l in layers_of(data) if l["class_name"] == "Dropout")["config"]["rate"] = math.nan


def _class_not_string(data):
    layers_of(data)[1]["class_name"] = ["Dense"]


def _no_config(data):  # Keras reads a layer entry without "config" as a plain dict
    del layers_of(data)[5]["config"]


def _compile_config_list(data):
    data["compile_config"] = ["adam"]


def _tensor_of_dense(data):  # the serialized tensor the Dense layer of the "merge" seed is called on
    return layers_of(data)[2]["inbound_nodes"][0]["args"][0]["config"]


def _negative_recorded_shape(data):
    _tensor_of_dense(data)["shape"] = [None, -1]


def _list_as_recorded_dtype(data):
    _tensor_of_dense(data)["dtype"] = [0]


def _number_as_dtype_policy_class(data):
    layers_of(data)[2]["config"]["dtype"]["class_name"] = 5


def _dtype_policy_name_not_a_dtype(data):
    layers_of(data)[2]["config"]["dtype"]["config"]["name"] = "abc"


def _layer_entry_without_name(data):
    del layers_of(data)[2]["name"]


def _functional_without_name(data):
    del data["config"]["name"]


def _node_without_kwargs(data):
    del layers_of(data)[2]["inbound_nodes"][0]["kwargs"]


def _empty_inbound_node(data):
    layers_of(data)[2]["inbound_nodes"].append({})


def _list_as_initializer_class(data):  # Keras: "unhashable type: 'list'" (its registry lookup)
    layers_of(data)[2]["config"]["kernel_initializer"]["class_name"] = [-1, 2]


def _layer_entry_twice(data):  # Keras replays the calls of the second 'dense' only: the first's never
    layers_of(data).insert(2, json.loads(json.dumps(layers_of(data)[2])))


def _many_layers(count: int):
    """A Sequential config of an input and ``count`` ReLU layers (written as text: fast)."""
    def write(path: Path) -> None:
        relu = '{"class_name": "ReLU", "config": {"name": "relu_%d"}}'
        with open(path, "w", encoding="utf-8") as handle:
            handle.write('{"class_name": "Sequential", "config": {"name": "tall", "layers": ['
                         '{"class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}}')
            for start in range(0, count, 10_000):
                handle.write("".join(", " + relu % i for i in range(start, min(count, start + 10_000))))
            handle.write("]}}")
    return write


def _huge_file(path: Path) -> None:
    """A 300 MB file (sparse: no disk used), refused by its size before anything is read."""
    with open(path, "wb") as handle:
        handle.truncate(300 * 2**20)


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@functools.lru_cache(maxsize=None)
def _zip_bomb_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("config.json", "w", force_zip64=True) as member:
            chunk = b" " * 2**20
            for _ in range(300):
                member.write(chunk)
    return buffer.getvalue()


def _zip_bomb(path: Path) -> None:
    """A .keras archive whose config.json inflates to 300 MB (about 1 MB on disk)."""
    path.write_bytes(_zip_bomb_bytes())


def _h5_without_config(path: Path) -> None:
    import h5py

    with h5py.File(path, "w") as handle:
        handle.create_dataset("weights", data=[1.0, 2.0])


# id: (file name and content, extra args, English fragments, Chinese fragments, Keras check)
CASES = {
    "merge_incompatible_shapes": (script("""\
        import keras
        a, b = keras.Input((3,)), keras.Input((4,))
        out = keras.layers.Add()([a, b])
        """), [], [":3: layer 'add' (Add): Inputs have incompatible shapes. Received shapes (3,) and (4,)"],
        [":3: 层 'add' (Add)：输入的形状不兼容。收到的形状为 (3,) 和 (4,)"], "script"),
    "dense_unknown_last_dim": (script("""\
        import keras
        x = keras.Input((None,))
        y = keras.layers.Dense(3)(x)
        """), [], [":3: layer 'dense' (Dense): Shapes used to initialize variables must be fully-defined"],
        [":3: 层 'dense' (Dense)：创建权重所用的形状必须完全确定", "最后一维必须已知"], "script"),
    "kernel_larger_than_input": (script("""\
        import keras
        model = keras.Sequential([keras.Input((3, 3, 1)), keras.layers.Conv2D(4, 5, name="conv2d_3")])
        """), [], [":2: layer 'conv2d_3' (Conv2D): kernel size 5 is larger than the input (3)",
                   "would be zero or negative"],
        [":2: 层 'conv2d_3' (Conv2D)：卷积核尺寸 5 大于输入尺寸 3", "为零或负数"], "script"),
    "pool_larger_than_input": (script("""\
        import keras
        model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.MaxPooling2D(3)])
        """), [], [":2: layer 'max_pooling2d' (MaxPooling2D): Computed output size would be zero or negative"],
        [":2: 层 'max_pooling2d' (MaxPooling2D)：计算出的输出尺寸为零或负数"], "script"),
    "reshape_does_not_divide": (script("""\
        import keras
        model = keras.Sequential([keras.Input((10,)), keras.layers.Reshape((3, -1))])
        """), [], [":2: layer 'reshape' (Reshape): The total size of the tensor must be unchanged"],
        [":2: 层 'reshape' (Reshape)：张量的元素总数必须保持不变", "不能被 target_shape 中给定的维度整除"], "script"),
    "reshape_other_total": (script("""\
        import keras
        model = keras.Sequential([keras.Input((10,)), keras.layers.Reshape((3, 3))])
        """), [], [":2: layer 'reshape' (Reshape): The total size of the tensor must be unchanged. "
                   "Received: input_shape=(10,), target_shape=(3, 3)"],
        [":2: 层 'reshape' (Reshape)：张量的元素总数必须保持不变。收到：input_shape=(10,)"], "script"),
    "concatenate_mismatched_axes": (script("""\
        import keras
        a, b = keras.Input((3, 4)), keras.Input((5, 6))
        y = keras.layers.Concatenate()([a, b])
        """), [], [":3: layer 'concatenate' (Concatenate): A `Concatenate` layer requires inputs with matching shapes"],
        [":3: 层 'concatenate' (Concatenate)：Concatenate 层要求各输入除拼接轴外形状完全一致"], "script"),
    "wrong_number_of_inputs_merge": (script("""\
        import keras
        a, b, c = keras.Input((3,)), keras.Input((3,)), keras.Input((3,))
        y = keras.layers.Subtract()([a, b, c])
        """), [], [":3: layer 'subtract' (Subtract): A `Subtract` layer should be called on exactly 2 inputs"],
        [":3: 层 'subtract' (Subtract)：Subtract 层必须恰好以 2 个输入调用"], "script"),
    "wrong_number_of_inputs_model": (script("""\
        import keras
        a, b = keras.Input((3,)), keras.Input((3,))
        inner = keras.Model([a, b], keras.layers.Add()([a, b]), name="pair")
        y = inner([keras.Input((3,))])
        """), [], [":4: layer 'pair' (Functional): Layer \"pair\" expects 2 input(s), but it received 1 input tensors"],
        [":4: 层 'pair' (Functional)：层 \"pair\" 需要 2 个输入，但收到了 1 个输入张量"], "script"),
    "wrong_rank": (script("""\
        import keras
        model = keras.Sequential([keras.Input((8,)), keras.layers.Conv2D(4, 3)])
        """), [], [":2: layer 'conv2d' (Conv2D): Input 0 with name", "expected min_ndim=4, found ndim=2"],
        [":2: 层 'conv2d' (Conv2D)：层 'conv2d' 的第 0 个输入与该层不兼容：至少需要 4 维，实际为 2 维"], "script"),
    "constructor_argument": (script("""\
        import keras
        layer = keras.layers.Dense(-1, name="head")
        """), [], [":2: layer 'head' (Dense): Received an invalid value for `units`, expected a positive integer"],
        [":2: 层 'head' (Dense)：参数 `units` 的值无效，应为正整数。收到：units=-1"], "script"),
    "constructor_argument_unnamed": (script("""\
        import keras
        layer = keras.layers.Dense(0)
        """), [], [":2: layer Dense: Received an invalid value for `units`"],
        [":2: 层 Dense：参数 `units` 的值无效"], "script"),
    "constructor_argument_named_itself": (script("""\
        import keras
        layer = keras.layers.Conv2D(8, 3, padding="middle")
        """), [], [":2: layer 'conv2d' (Conv2D): The `padding` argument must be"], [":2: 层 'conv2d' (Conv2D)："],
        "script"),
    "unknown_layer_in_script": (script("""\
        import keras
        layer = keras.layers.FancyDense(3)
        """), [], [":2: keras.layers.FancyDense is not supported by nncalc yet"],
        [":2: nncalc 尚不支持 keras.layers.FancyDense"], "script"),
    "unknown_layer_class_in_config": (config(_unknown_class), [],
                                      ["model.json: layer class 'FancyDense' is not supported by nncalc yet"],
                                      ["model.json: nncalc 尚不支持层类 'FancyDense'"], "json"),
    "missing_inbound_layer": (config(_missing_inbound), [],
                              ["model.json: Invalid Functional model configuration. Missing node: ghost"],
                              ["model.json: 函数式模型配置无效：找不到输入层 ghost"], "json"),
    "cycle_in_functional_config": (config(_cycle), [],
                                   ["model.json: Invalid Functional model configuration: the graph has loops"],
                                   ["model.json: 函数式模型配置无效：图中有环或断开的节点"], "json"),
    "nan_in_config": (config(_nan_rate, seed="cnn"), [],
                      ["model.json: layer 'dropout' (Dropout): Invalid value received for argument `rate`",
                       "rate=nan"], ["model.json: 层 'dropout' (Dropout)："], "json"),
    "class_name_not_a_string": (config(_class_not_string), [],
                                ["model.json: malformed model config: a layer's 'class_name' must be a string"],
                                ["model.json: 模型配置格式错误"], "json"),
    "json_not_valid": (("model.json", '{"class_name": "Sequential", '), [],
                       ["model.json: not valid JSON (Expecting property name enclosed in double quotes at line 1)"],
                       ["model.json: 不是有效的 JSON"], "json"),
    "json_not_an_object": (("model.json", "[1, 2]"), [], ["model.json: a Keras model config is a JSON object"],
                           ["model.json: Keras 模型配置应为 JSON 对象"], "json"),
    "json_not_utf8": (("model.json", b'{"name": "caf\xe9"}'), [], ["model.json: not UTF-8 text"],
                      ["model.json: 不是 UTF-8 文本"], "json"),
    "json_nested_too_deeply": (("model.json", '{"a": ' + _deep(5000) + "}"), [],
                               ["model.json: nested more than 400 levels deep; refused"],
                               ["model.json: 嵌套超过 400 层，拒绝处理"], "json"),
    "binary_garbage_keras": (("model.keras", bytes(range(256)) * 4), [],
                             ["model.keras: not a zip archive; not a Keras 3 .keras file"],
                             ["model.keras: 不是 zip 压缩包"], "file"),
    "keras_without_config": (("model.keras", lambda p: zipfile.ZipFile(p, "w").close()), [],
                             ["model.keras: no config.json inside"], ["model.keras: 其中没有 config.json"], "file"),
    "zip_bomb_keras": (("model.keras", _zip_bomb), [], ["model.keras: config.json claims 314572800 bytes; refused"],
                       ["model.keras: config.json 声称解压后有 314572800 字节，拒绝处理"], None),
    "huge_json_file": (("model.json", _huge_file), [], ["model.json: larger than 256 MB; not a model config"],
                       ["model.json: 大于 256 MB，不是模型配置"], None),
    "config_with_300k_layers": (("model.json", _many_layers(300_000)), ["--timeout", "1"],
                                ["model.json: stopped after 1 seconds (--timeout 1)"],
                                ["model.json: 运行 1 秒后被终止（--timeout 1）"], None),
    "layer_entry_without_config": (config(_no_config, seed="cnn"), [],
                                   ["model.json: malformed model config: the entry of a Flatten layer has no 'config'"],
                                   ["model.json: 模型配置格式错误：the entry of a Flatten layer has no 'config'"], "json"),
    "compile_config_not_an_object": (config(_compile_config_list, seed="cnn"), [],
                                     ["model.json: malformed model config: a model's 'compile_config' must be an object"],
                                     ["model.json: 模型配置格式错误"], "json"),
    "recorded_shape_negative": (config(_negative_recorded_shape), [],
                                ["model.json: malformed model config: the recorded shape of a tensor in an inbound "
                                 "node of layer 'dense': Cannot convert '(None, -1)' to a shape. Negative dimensions "
                                 "are not allowed."],
                                ["model.json: 模型配置格式错误：the recorded shape of a tensor"], "json"),
    "recorded_dtype_unhashable": (config(_list_as_recorded_dtype), [],
                                  ["model.json: malformed model config: the recorded dtype of a tensor in an "
                                   "inbound node of layer 'dense': unhashable type: 'list'"],
                                  ["model.json: 模型配置格式错误：the recorded dtype"], "json"),
    "dtype_policy_class_a_number": (config(_number_as_dtype_policy_class), [],
                                    ["model.json: layer 'dense' (Dense): its 'dtype' is not a dtype policy Keras can "
                                     "read: its class_name 5 names no dtype policy class",
                                     "'int' object has no attribute 'quantization_mode'"],
                                    ["model.json: 层 'dense' (Dense)：其 'dtype' 不是 Keras 能读取的 dtype 策略"], "json"),
    "dtype_policy_name_not_a_dtype": (config(_dtype_policy_name_not_a_dtype), [],
                                      ["model.json: layer 'dense' (Dense): its 'dtype' is not a dtype policy Keras "
                                       "can read: Cannot convert 'abc' to a mixed precision DTypePolicy"],
                                      ["model.json: 层 'dense' (Dense)：其 'dtype' 不是 Keras 能读取的 dtype 策略"],
                                      "json"),
    "layer_entry_without_name": (config(_layer_entry_without_name), [],
                                 ["model.json: malformed model config: the entry of a Dense layer in a functional "
                                  "model has no 'name'"], ["model.json: 模型配置格式错误"], "json"),
    "functional_config_without_name": (config(_functional_without_name), [],
                                       ["model.json: a functional model config needs 'name'"],
                                       ["model.json: 函数式模型配置缺少 'name'"], "json"),
    "inbound_node_without_kwargs": (config(_node_without_kwargs), [],
                                    ["model.json: malformed model config: an inbound node of layer 'dense' has no "
                                     "'kwargs'"], ["model.json: 模型配置格式错误"], "json"),
    "empty_inbound_node": (config(_empty_inbound_node), [],
                           ["model.json: malformed model config: an inbound node of layer 'dense' is empty"],
                           ["model.json: 模型配置格式错误"], "json"),
    "initializer_class_name_a_list": (config(_list_as_initializer_class), [],
                                      ["model.json: layer 'dense' (Dense): its 'kernel_initializer' cannot be read: "
                                       "unhashable type: 'list'"],
                                      ["model.json: 层 'dense' (Dense)：其 'kernel_initializer' 无法读取：unhashable type"],
                                      "json"),
    "layer_entry_twice": (config(_layer_entry_twice), [],
                          ["model.json: Invalid Functional model configuration: the graph has loops or disconnected "
                           "nodes (unresolved layers: dense)"], ["model.json: 函数式模型配置无效：图中有环或断开的节点"],
                          "json"),
    "h5_not_hdf5": (("model.h5", b"this is not HDF5\n" * 20), [], ["model.h5: not an HDF5 file"],
                    ["model.h5: 不是 HDF5 文件"], "file"),
    "h5_without_model_config": (("model.h5", _h5_without_config), [], ["model.h5: no model_config in this HDF5 file"],
                                ["model.h5: 此 HDF5 文件中没有 model_config"], "file"),
    "unknown_extension": (("model.onnx", b"\x08\x01"), [], ["model.onnx: unknown model file type"],
                          ["model.onnx: 未知的模型文件类型"], None),
    "script_recursion": (script("""\
        def f(n):
            return f(n + 1)
        f(0)
        """), [], [":2: RecursionError: maximum recursion depth exceeded"],
        [":2: RecursionError: maximum recursion depth exceeded"], None),
    "script_loops_forever": (script("""\
        import keras
        while True: pass
        """), ["--timeout", "1"], [":2: stopped after 1 seconds (--timeout 1)"],
        [":2: 运行 1 秒后被终止（--timeout 1）"], None),
    "script_catches_the_timeout": (script("""\
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
        """), ["--timeout", "1"], ["stopped after 1 seconds"], ["运行 1 秒后被终止"], None),
    "script_catches_the_timeout_twice": (script("""\
        while True:
            try:
                while True:
                    pass
            except BaseException:
                try:
                    pass
                except BaseException:
                    pass
        """), ["--timeout", "1"], ["stopped after 1 seconds"], ["运行 1 秒后被终止"], None),
    "script_without_model": (script("x = 1\n"), [], ["model.py: the script defines no model"],
                             ["model.py: 脚本没有定义任何模型"], None),
    "no_such_file": (("missing.py", None), [], ["missing.py: no such file"], ["missing.py: 文件不存在"], None),
}


def make(tmp_path: Path, spec) -> Path:
    name, content = spec
    path = tmp_path / name
    if content is None:
        return path
    if callable(content):
        content(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _needing_h5py(case: str):
    """The case; one read from an .h5 file needs h5py (without it nncalc says it needs h5py)."""
    return pytest.param(case, marks=pytest.mark.requires("h5py")) if CASES[case][0][0].endswith(".h5") else case


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", [_needing_h5py(case) for case in sorted(CASES)])
def test_one_line_error(tmp_path, case, lang):
    spec, extra, english, chinese = CASES[case][:4]
    path = make(tmp_path, spec)
    outcome = run_cli(["summary", path, "--lang", lang, *extra])
    assert outcome.code == 2, outcome.err
    lines = outcome.err.strip().splitlines()
    assert len(lines) == 1, outcome.err
    frame = "nncalc: error: " if lang == "en" else "nncalc: 错误: "
    assert lines[0].startswith(frame + str(path)), lines[0]
    for fragment in english if lang == "en" else chinese:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in outcome.err and "this is a bug" not in outcome.err


KERAS_CHECKED = sorted(case for case, values in CASES.items() if values[4])


@pytest.mark.parametrize("case", KERAS_CHECKED)
def test_keras_rejects_it_too(real_keras, tmp_path, case):
    """The inputs nncalc rejects, real Keras rejects too (no false alarms).

    Keras raises, or (``model_from_json("[1, 2]")``) returns something that is not a model.
    """
    import warnings

    spec, kind = CASES[case][0], CASES[case][4]
    path = make(tmp_path, spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if kind == "script":
                exec(compile(path.read_text(), str(path), "exec"), {"__name__": "__main__"})
                result = None  # the scripts' last statement is the one Keras must refuse
            elif kind == "json":
                result = real_keras.models.model_from_json(path.read_bytes().decode("utf-8"))
            else:
                result = real_keras.saving.load_model(path)
        except Exception:
            return
    assert kind != "script", f"Keras ran {case} without an error"
    assert not isinstance(result, real_keras.Model), f"Keras loaded {case} as a model"


def test_duplicate_keys_mean_what_keras_reads(tmp_path):
    """JSON with a key twice: the last one counts, for nncalc as for Keras' json.loads."""
    text = json.dumps(seed_configs()["cnn"])
    path = tmp_path / "model.json"
    path.write_text(text[:-1] + ', "class_name": "Sequential"}', encoding="utf-8")
    assert run_cli(["summary", path]).code == 0


def test_dims_up_to_2_63_are_exact(tmp_path):
    path = tmp_path / "model.py"
    path.write_text("import keras\nmodel = keras.Sequential([keras.Input((2**62,)), keras.layers.Dense(2**62)])\n")
    outcome = run_cli(["summary", path, "--flops", "--memory", "--format", "json"])
    assert outcome.code == 0, outcome.err
    row = json.loads(outcome.out)["models"][0]["layers"][0]
    assert row["params"] == (2**62 + 1) * 2**62
    assert row["output_shape"] == [None, 2**62]
    text = run_cli(["summary", path, "--memory"]).out
    assert "Activations per sample: 32.00 EB" in text  # 2 × 2**62 float32 values: 2**65 bytes


def test_timeout_stops_the_real_command(tmp_path):
    path = tmp_path / "spin.py"
    path.write_text("x = 1\nwhile True: pass\n")
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(path), "--timeout", "1"],
                            capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")})
    assert result.returncode == 2
    assert result.stderr.strip() == (f"nncalc: error: {path}:2: stopped after 1 seconds (--timeout 1); "
                                     "allow more with a larger --timeout, or none with --timeout 0")


def test_a_script_that_swallows_every_timeout_is_ended(tmp_path):
    """Handlers that catch the timeout even inside their own handlers: the process is ended."""
    path = tmp_path / "stubborn.py"
    path.write_text(textwrap.dedent("""\
        while True:
            try:
                while True:
                    try:
                        while True:
                            pass
                    except BaseException:
                        pass
            except BaseException:
                pass
        """))
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(path), "--timeout", "1"],
                            capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")})
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"nncalc: error: {path}: stopped after 1 seconds"), result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_in_nncalc_says_so(tmp_path, monkeypatch, lang, debug):
    """An error raised inside nncalc's own code (here a KeyError in read_config) is a bug: exit 3,
    one line saying so, the traceback only with --debug."""
    from nncalc.io import files

    class Broken(dict):
        def __contains__(self, key):  # every extension "known", none readable: a KeyError in nncalc
            return True

    monkeypatch.setattr(files, "READERS", Broken())
    path = tmp_path / "model.json"
    path.write_text(json.dumps(seed_configs()["cnn"]), encoding="utf-8")
    outcome = run_cli(["summary", path, "--lang", lang] + (["--debug"] if debug else []))
    assert outcome.code == 3, outcome.err
    frame = ("nncalc: internal error (this is a bug in nncalc, please report it; --debug shows the "
             "traceback): " if lang == "en" else "nncalc: 内部错误（这是 nncalc 的缺陷，请报告；--debug 显示回溯）: ")
    lines = outcome.err.strip().splitlines()
    assert lines[-1] == f"{frame}{path}: KeyError: '.json'"
    if debug:
        assert lines[0] == "Traceback (most recent call last):"
        assert any("in read_config" in line for line in lines)
    else:
        assert len(lines) == 1


def _dense_policy(data):
    return layers_of(data)[2]["config"]["dtype"]


# Serialized dtype policies that real Keras reads (its Operation.from_config): nncalc reads them too.
READABLE_POLICIES = {
    "no_config": lambda data: _dense_policy(data).pop("config"),
    "null_config": lambda data: _dense_policy(data).__setitem__("config", None),
    "no_name": lambda data: _dense_policy(data)["config"].pop("name"),
    "float_dtype_policy": lambda data: _dense_policy(data).__setitem__("class_name", "FloatDTypePolicy"),
    "mixed_float16": lambda data: _dense_policy(data)["config"].__setitem__("name", "mixed_float16"),
    "no_module": lambda data: _dense_policy(data).pop("module"),
}


@pytest.mark.parametrize("variant", sorted(READABLE_POLICIES))
def test_dtype_policies_keras_reads_give_its_summary(real_keras, tmp_path, monkeypatch, variant):
    """The checks of a layer's serialized ``dtype`` refuse nothing Keras reads: same summary text."""
    from .fuzz.test_fuzz_configs import keras_summary, nncalc_summary

    monkeypatch.setenv("COLUMNS", "100")
    name, text = config(READABLE_POLICIES[variant])
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    theirs = keras_summary(real_keras, text)
    assert theirs[0] == "ok", theirs
    assert nncalc_summary(path) == theirs


def test_tf_keras_mixed_precision_policy_is_read(real_keras, tmp_path, monkeypatch):
    """A Keras 2 / tf.keras entry (no 'module') with tf.keras' mixed precision ``Policy``: Keras 3
    cannot read it ('str' object has no attribute 'quantization_mode'), nncalc reads it as the
    ``DTypePolicy`` of the same name (the files users have): the summary Keras prints for that."""
    from .fuzz.test_fuzz_configs import keras_summary, nncalc_summary

    monkeypatch.setenv("COLUMNS", "100")
    data = json.loads(json.dumps(seed_configs()["cnn"]))
    conv = layers_of(data)[1]
    conv["config"]["dtype"] = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"},
                               "registered_name": None}
    reference = keras_summary(real_keras, json.dumps(data))
    assert reference[0] == "ok", reference
    for entry in layers_of(data):
        entry.pop("module", None)
    conv["config"]["dtype"] = {"class_name": "Policy", "config": {"name": "mixed_float16"}}
    assert keras_summary(real_keras, json.dumps(data))[0] == "rejected"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert nncalc_summary(path) == reference


def _real_command(path, *args, timeout=60):
    """``python -m nncalc summary path ARGS`` in a new process: (exit code, stderr, seconds)."""
    import time

    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(path), *args],
                            capture_output=True, text=True, timeout=timeout,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")})
    return result.returncode, result.stderr, time.monotonic() - start


def _grace() -> float:
    from nncalc.cli import _time_limit

    return _time_limit.GRACE


def test_timeout_holds_during_one_long_c_call(tmp_path):
    """A single C call that never returns to Python (here ``sum`` over 10**13 numbers) keeps
    every signal handler from running: the watchdog process prints the line and ends the
    command GRACE + 1 s after the limit (killed: exit status -9)."""
    path = tmp_path / "stuck.py"
    path.write_text("x = 1\nx = sum(range(10**13))\n")
    code, err, seconds = _real_command(path, "--timeout", "1")
    assert err.splitlines() == [f"nncalc: error: {path}: stopped after 1 seconds (--timeout 1); allow more "
                                "with a larger --timeout, or none with --timeout 0"], err
    assert code == -9
    assert seconds < 1 + _grace() + 1 + 5, seconds  # + 5 s: start-up on a loaded machine


def test_a_million_layers_stop_in_time(tmp_path):
    """A 60 MB config (1,000,000 layers): parsing it is one long C call; the line comes in time."""
    path = tmp_path / "model.json"
    _many_layers(1_000_000)(path)
    code, err, seconds = _real_command(path, "--timeout", "1")
    assert err.splitlines() == [f"nncalc: error: {path}: stopped after 1 seconds (--timeout 1); allow more "
                                "with a larger --timeout, or none with --timeout 0"], err
    assert code in (2, -9)  # stopped by the timer after parsing, or by the watchdog during it
    assert seconds < 1 + _grace() + 1 + 5, seconds


FINALIZER_SCRIPTS = {
    "__del__": """\
        class Slow:
            def __del__(self):
                total = 0
                for i in range(20000):
                    total += i

        while True:
            Slow()
        """,
    "gc_callback": """\
        import gc

        def busy(phase, info):
            total = 0
            for i in range(20000):
                total += i

        gc.callbacks.append(busy)
        while True:
            cycle = []
            cycle.append(cycle)
        """,
}


@pytest.mark.parametrize("kind", sorted(FINALIZER_SCRIPTS))
def test_the_timeout_is_not_lost_in_a_finalizer(tmp_path, monkeypatch, kind):
    """A timeout signal that lands in a ``__del__`` or a gc callback (where Python prints an
    exception and drops it) is raised at the next line outside it: in time, nothing dropped."""
    import gc

    dropped = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: dropped.append(unraisable.exc_type))
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent(FINALIZER_SCRIPTS[kind]))
    callbacks = list(gc.callbacks)
    try:
        outcome = run_cli(["summary", path, "--timeout", "0.5"])
    finally:  # the script's gc callback would otherwise run in every later test's collections
        gc.callbacks[:] = callbacks
    assert outcome.code == 2, outcome.err
    assert outcome.err.strip().startswith(f"nncalc: error: {path}:"), outcome.err
    assert "stopped after 0.5 seconds" in outcome.err
    assert not dropped
    assert outcome.seconds < 5, outcome.seconds


def test_a_timeout_during_the_module_swap_leaves_sys_modules_whole(tmp_path, monkeypatch):
    """A timeout signal that lands while the script runner puts the process's own Keras and
    TensorFlow modules back in ``sys.modules`` (after the script ran) is raised after that:
    raised in it, it would leave them out, and the process's next ``import keras`` would import
    TensorFlow a second time, which aborts (SIGABRT, "PyExceptionRegistry::Init() already
    called"; seen once at the end of the suite, after the finalizer tests above had left it so).
    The swap before the script runs is protected the same way (no hook reaches into it here)."""
    import os
    import signal
    import types

    from nncalc import script

    real_keras = types.ModuleType("keras")  # stands for a real Keras the process imported
    monkeypatch.setitem(sys.modules, "keras", real_keras)
    monkeypatch.delenv("NNCALC_TEST_SCRIPT_RAN", raising=False)
    path = tmp_path / "model.py"
    path.write_text("import os\nimport keras\nos.environ['NNCALC_TEST_SCRIPT_RAN'] = '1'\n"
                    "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n")
    target_module, signalled = script.target_module, []

    def signal_once_in_the_swap(name):  # the timer's signal, at a chosen moment of the swap
        ran = os.environ.get("NNCALC_TEST_SCRIPT_RAN") == "1"
        if not signalled and ran:
            signalled.append(name)
            signal.raise_signal(signal.SIGALRM)
        return target_module(name)

    monkeypatch.setattr(script, "target_module", signal_once_in_the_swap)
    outcome = run_cli(["summary", path])
    assert signalled
    assert sys.modules["keras"] is real_keras and script._FINDER not in sys.meta_path
    assert outcome.code in (0, 2), outcome.err  # the summary, or the timeout raised after the swap
    if outcome.code == 2:
        assert "stopped after 60 seconds" in outcome.err, outcome.err


@pytest.mark.parametrize("seed, where", [("merge", "model"), ("nested", "model"), ("cnn", "model"),
                                         ("merge", "layer"), ("nested", "layer")])
def test_a_registered_name_is_refused_where_keras_refuses_it(real_keras, tmp_path, monkeypatch, seed, where):
    """Keras checks a built-in's ``registered_name`` only where it finds the class by its public
    name (``keras.layers.Dense``, ``keras.Sequential``), not for a private module
    (``keras.src.models.functional``): nncalc agrees, summary for summary."""
    from .fuzz.test_fuzz_configs import keras_summary, nncalc_summary

    monkeypatch.setenv("COLUMNS", "100")
    data = json.loads(json.dumps(seed_configs()[seed]))
    (data if where == "model" else layers_of(data)[1])["registered_name"] = "x"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    theirs, ours = keras_summary(real_keras, json.dumps(data)), nncalc_summary(path)
    if theirs[0] == "ok":
        assert ours == theirs
    else:
        assert ours[0] == "error" and "`registered_name='x'` was provided" in ours[1], (theirs, ours)
