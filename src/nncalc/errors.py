"""Errors nncalc reports to the user, as one line each, in English or Chinese.

``LayerError`` is a ``ValueError`` (what Keras raises for the same mistakes), so
a script that catches ``ValueError`` still works; it remembers the layer it is
about. ``Unsupported`` names something nncalc cannot compute yet.

:func:`user_error_line` and :func:`internal_error_line` render the one line the
command prints: ``nncalc: error: <file>:<line>: layer 'conv2d_3' (Conv2D): <cause>``.
The cause is Keras' own message where Keras has one; with ``lang="zh"`` the frame is
Chinese and the most common causes are translated (:data:`TRANSLATIONS`); any other
cause stays English inside the Chinese frame.
"""

from __future__ import annotations

import re
from typing import Optional


class NncalcError(Exception):
    """Base of every error that is the user's input, not a bug in nncalc."""


class LayerError(NncalcError, ValueError):
    """A layer rejected its arguments or its input, as Keras would."""

    def __init__(self, layer_name: Optional[str], class_name: str, message: str):
        self.layer_name = layer_name
        self.class_name = class_name
        self.message = message
        super().__init__(f"{layer_label(layer_name, class_name)}: {message}")


class ModelError(NncalcError, ValueError):
    """A model could not be built from what it was given."""


class Unsupported(NncalcError, NotImplementedError):
    """Something that nncalc does not model (yet), named so the user can act."""


class LimitError(NncalcError):
    """An input beyond what nncalc accepts: nested too deeply, too large, running too long."""


def layer_label(layer_name: Optional[str], class_name: str, lang: str = "en") -> str:
    """``layer 'conv2d_3' (Conv2D)``, or ``layer Conv2D`` before the layer has a name."""
    word = "层" if lang == "zh" else "layer"
    return f"{word} '{layer_name}' ({class_name})" if layer_name else f"{word} {class_name}"


# ----------------------------------------------------------------- Chinese
# (pattern, template): the first pattern found in a cause is replaced by its template
# (``re.sub`` syntax, so ``\1`` is the first group); the rest of the cause is kept.
TRANSLATIONS: list[tuple[str, str]] = [
    # merges
    (r"Inputs have incompatible shapes\. Received shapes (.+) and (.+)$",
     r"输入的形状不兼容。收到的形状为 \1 和 \2"),
    (r"A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
     r"axis\. Received: input_shape=(.+)$",
     r"Concatenate 层要求各输入除拼接轴外形状完全一致。收到：input_shape=\1"),
    (r"A merge layer should be called on a list of inputs\. Received: (.+)$",
     r"合并层必须以输入列表调用。收到：\1"),
    (r"A merge layer should be called on a list of at least (\d+) inputs?\. Received (.+)$",
     r"合并层必须以至少 \1 个输入的列表调用。收到 \2"),
    (r"A `(\w+)` layer should be called on exactly (\d+) inputs\. Received: (.+)$",
     r"\1 层必须恰好以 \2 个输入调用。收到：\3"),
    (r"A `(\w+)` layer should be called on a list of (\d+) inputs\. Received: (.+)$",
     r"\1 层必须以 \2 个输入的列表调用。收到：\3"),
    (r"A `(\w+)` layer should be called on a list of at least (\d+) inputs?\. (.*)$",
     r"\1 层必须以至少 \2 个输入的列表调用。\3"),
    # number of inputs, input specs
    (r'Layer "([^"]+)" expects (\d+) input\(s\), but it received (\d+) input tensors\. '
     r"Inputs received: (.+)$",
     r'层 "\1" 需要 \2 个输入，但收到了 \3 个输入张量。收到的输入：\4'),
    (r"Input (\d+) with name '([^']*)' of layer '([^']+)' is incompatible with the layer: "
     r"expected ndim=(\d+), found ndim=(\d+)\. Full shape received: (.+)$",
     r"层 '\3' 的第 \1 个输入与该层不兼容：需要 \4 维，实际为 \5 维。收到的完整形状：\6"),
    (r"Input (\d+) with name '([^']*)' of layer '([^']+)' is incompatible with the layer: "
     r"expected min_ndim=(\d+), found ndim=(\d+)\. Full shape received: (.+)$",
     r"层 '\3' 的第 \1 个输入与该层不兼容：至少需要 \4 维，实际为 \5 维。收到的完整形状：\6"),
    (r"Input (\d+) with name '([^']*)' of layer '([^']+)' is incompatible with the layer: "
     r"expected max_ndim=(\d+), found ndim=(\d+)$",
     r"层 '\3' 的第 \1 个输入与该层不兼容：至多允许 \4 维，实际为 \5 维"),
    (r"Input (\d+) with name '([^']*)' of layer '([^']+)' is incompatible with the layer: "
     r"expected axis (-?\d+) of input shape to have value (\d+), but received input with shape (.+)$",
     r"层 '\3' 的第 \1 个输入与该层不兼容：输入形状的第 \4 轴应为 \5，收到的输入形状为 \6"),
    # weights on unknown dims (Dense on an unknown last dimension)
    (r"Shapes used to initialize variables must be fully-defined \(no `None` dimensions\)\. "
     r"Received: shape=(.+) for variable path='([^']+)'$",
     r"创建权重所用的形状必须完全确定（不能含 None 维度），输入的最后一维必须已知。"
     r"收到：shape=\1，权重 path='\2'"),
    # windows larger than the input
    (r"kernel size (\d+) is larger than the input \((\w+)\) along spatial axis (\d+) with "
     r"padding='valid': computed output size (-?\d+) would be zero or negative \((.+)\)$",
     r"卷积核尺寸 \1 大于输入尺寸 \2（第 \3 个空间轴，填充 padding='valid'）："
     r"计算出的输出尺寸 \4 为零或负数（\5）"),
    (r"(kernel size|pool size) (\d+) is larger than the input \((\w+)\) along spatial axis (\d+) with "
     r"padding='valid': computed output size (-?\d+) would be zero or negative \((.+)\)$",
     r"窗口（\1）\2 大于输入尺寸 \3（第 \4 个空间轴，填充 padding='valid'）："
     r"计算出的输出尺寸 \5 为零或负数（\6）"),
    (r"Computed output size would be zero or negative\. Received: (.+)$",
     r"计算出的输出尺寸为零或负数：窗口大于输入。收到：\1"),
    # Reshape
    (r"The total size of the tensor must be unchanged\. Received: (.+)$",
     r"张量的元素总数必须保持不变。收到：\1"),
    (r"The total size of the tensor must be unchanged, however, the input size cannot by divided "
     r"by the specified dimensions in target_shape\. Received: (.+)$",
     r"张量的元素总数必须保持不变，但输入的元素数不能被 target_shape 中给定的维度整除。收到：\1"),
    # argument values
    (r"Received an invalid value for `(\w+)`, expected a positive integer\. Received: (.+)$",
     r"参数 `\1` 的值无效，应为正整数。收到：\2"),
    (r"Unrecognized keyword arguments passed to (\w+): (.+)$",
     r"传给 \1 的关键字参数无法识别：\2"),
    # configs and files
    (r"layer class '([^']+)' is not supported by nncalc yet",
     r"nncalc 尚不支持层类 '\1'"),
    (r"(\S+) is not supported by nncalc yet", r"nncalc 尚不支持 \1"),
    (r"Invalid Functional model configuration\. Missing node: (.+)$",
     r"函数式模型配置无效：找不到输入层 \1（缺少节点）"),
    (r"Invalid Functional model configuration: the graph has loops or disconnected nodes "
     r"\(unresolved layers: (.+)\)$",
     r"函数式模型配置无效：图中有环或断开的节点（无法解析的层：\1）"),
    (r"a functional model config needs '(\w+)'", r"函数式模型配置缺少 '\1'"),
    (r"not a Keras layer config: (.+)$", r"不是 Keras 层配置：\1"),
    (r"malformed model config: (.+)$", r"模型配置格式错误：\1"),
    (r"its '(\w+)' cannot be read: (.+)$", r"其 '\1' 无法读取：\2"),
    (r"its 'dtype' is not a dtype policy Keras can read: (.+)$",
     r"其 'dtype' 不是 Keras 能读取的 dtype 策略（dtype policy）：\1"),
    (r"not valid JSON \((.+)\)$", r"不是有效的 JSON（\1）"),
    (r"not UTF-8 text; not a JSON model config", r"不是 UTF-8 文本，不是 JSON 模型配置"),
    (r"a Keras model config is a JSON object", r"Keras 模型配置应为 JSON 对象"),
    (r"not a zip archive; not a Keras 3 \.keras file", r"不是 zip 压缩包，不是 Keras 3 的 .keras 文件"),
    (r"no config\.json inside; not a Keras 3 \.keras archive",
     r"其中没有 config.json，不是 Keras 3 的 .keras 压缩包"),
    (r"not an HDF5 file", r"不是 HDF5 文件"),
    (r"config\.json claims (\d+) bytes; refused", r"config.json 声称解压后有 \1 字节，拒绝处理"),
    (r"config\.json is larger than it claims; refused", r"config.json 比它声称的更大，拒绝处理"),
    (r"config\.json is not UTF-8 text", r"config.json 不是 UTF-8 文本"),
    (r"a damaged zip archive \((.+)\); not a readable \.keras file",
     r"zip 压缩包已损坏（\1），无法作为 .keras 文件读取"),
    (r"larger than (\d+) MB; not a model config", r"大于 \1 MB，不是模型配置"),
    (r"no model_config in this HDF5 file \(a weights-only file\?\)",
     r"此 HDF5 文件中没有 model_config（只含权重的文件？）"),
    (r"unknown model file type \(expected \.py, \.json, \.keras or \.h5\)",
     r"未知的模型文件类型（应为 .py、.json、.keras 或 .h5）"),
    (r"nested more than (\d+) levels deep; refused", r"嵌套超过 \1 层，拒绝处理"),
    (r"stopped after (\S+) seconds \(--timeout (\S+)\); allow more with a larger --timeout, or none "
     r"with --timeout 0",
     r"运行 \1 秒后被终止（--timeout \2）；可用更大的 --timeout 放宽，或用 --timeout 0 取消限制"),
    (r"the script defines no model", r"脚本没有定义任何模型"),
    (r"no such file", r"文件不存在"),
]
def translate(cause: str, lang: str = "en") -> str:
    """``cause`` in ``lang``: for ``zh``, the first matching pattern is translated, else as is.

    (Patterns are compiled on first use, by ``re``'s cache: not at import, which every run pays.)
    """
    if lang != "zh":
        return cause
    for pattern, template in TRANSLATIONS:
        if re.search(pattern, cause):
            return re.sub(pattern, template, cause, count=1)
    return cause


FRAMES = {
    "en": {"error": "nncalc: error: ",
           "internal": "nncalc: internal error (this is a bug in nncalc, please report it; --debug "
                       "shows the traceback): "},
    "zh": {"error": "nncalc: 错误: ",
           "internal": "nncalc: 内部错误（这是 nncalc 的缺陷，请报告；--debug 显示回溯）: "},
}


def _one_line(text: str) -> str:
    text = str(text).strip()
    return text.splitlines()[0] if text else ""


def find_layer(error: BaseException):
    """``(name or None, class name)`` of the layer whose constructor or call raised ``error``.

    A :class:`LayerError` (raised by a layer's call) knows its layer; for an error of a
    constructor the traceback is searched for the outermost layer ``__init__`` (the layer
    the user wrote, not one it creates inside).
    """
    if isinstance(error, LayerError):
        return error.layer_name, error.class_name
    if isinstance(error, NncalcError):  # nncalc's own errors say what they are about
        return None
    try:
        from .core.layer import Layer
        from .core.model import Model
    except ImportError:  # pragma: no cover - partial installs
        return None
    tb = error.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        this = frame.f_locals.get("self") if frame.f_code.co_name == "__init__" else None
        if isinstance(this, Layer) and not isinstance(this, Model):
            name = getattr(this, "name", None)
            if name is None:  # raised before Layer.__init__ named it: the name= it was given
                kwargs = frame.f_locals.get("kwargs")
                name = frame.f_locals.get("name") or (kwargs.get("name") if isinstance(kwargs, dict) else None)
            return (name if isinstance(name, str) else None), type(this).__name__
        tb = tb.tb_next
    return None


def cause_text(error: BaseException, lang: str = "en") -> str:
    """What went wrong, one line: the layer (if a layer raised it), then the message.

    Messages of nncalc's errors, and Keras-style ``ValueError``/``TypeError`` raised by a
    layer, are shown as they are; anything else is prefixed with its type
    (``NameError: name 'x' is not defined``).
    """
    layer = find_layer(error) if isinstance(error, (ValueError, TypeError)) else None
    if isinstance(error, LayerError):
        message = _one_line(error.message)
    else:
        message = _one_line(error) or type(error).__name__
        own = (isinstance(error, (NncalcError, ScriptTimeout))
               or (layer and isinstance(error, (ValueError, TypeError))))
        if not own:
            message = f"{type(error).__name__}: {message}"
    message = translate(message, lang)
    if layer is None:
        return message
    label = layer_label(*layer, lang=lang)
    if message.startswith(layer_label(*layer)):  # already named (a wrapped LayerError's text)
        message = message[len(layer_label(*layer)):].lstrip(": ")
    return f"{label}{'：' if lang == 'zh' else ': '}{message}"


def user_error_line(where: Optional[str], error, lang: str = "en") -> str:
    """``nncalc: error: <where>: <cause>``; ``error`` is an exception or a message."""
    cause = translate(error, lang) if isinstance(error, str) else cause_text(error, lang)
    if where and not cause.startswith(where):
        cause = f"{where}: {cause}"
    return FRAMES.get(lang, FRAMES["en"])["error"] + cause


def internal_error_line(where: Optional[str], error: BaseException, lang: str = "en") -> str:
    """The line for a bug in nncalc (exit code 3)."""
    message = f"{type(error).__name__}: {_one_line(error)}"
    if where:
        message = f"{where}: {message}"
    return FRAMES.get(lang, FRAMES["en"])["internal"] + message


class ScriptTimeout(BaseException):
    """Raised (from a timer signal) when a script or model runs longer than ``--timeout``.

    A ``BaseException``, as ``KeyboardInterrupt`` is, so that a script's own
    ``except Exception`` does not swallow it.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"stopped after {seconds:g} seconds (--timeout {seconds:g}); allow more "
                         "with a larger --timeout, or none with --timeout 0")
