#!/usr/bin/python3
"""Writes a small deterministic ONNX network with the exact Wav2Lip interface, for tests and benchmarks.

No trained lip-sync weights can be had here, so this stands in for an operator's model file: the worker loads
it through the same code path. Inputs: mel Bx1x80x16 (Wav2Lip's audio window) and face Bx6xSxS (the masked
target face and a reference face, 0..1); output Bx3xSxS through a sigmoid. Convolutions run on both inputs and
are fused: the audio features scale the face features, so the output depends on the speech. The weights come
from a fixed seed: the same file every time. It has learned nothing: it re-renders the reference face with an
audio-dependent contrast, which is enough to see where the model's pixels land.

  /usr/bin/python3 scripts/make-wav2lip-test-model.py --size 96 --out wav2lip-96.onnx
  --face-channels / --mel-steps make a model of the wrong shape (the worker must refuse it).
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def conv_weights(rng, out_ch, in_ch, identity=None, noise=0.02):
    w = rng.normal(0, noise, size=(out_ch, in_ch, 3, 3)).astype(np.float32)
    for o, i, gain in identity or []:
        w[o, i, 1, 1] += gain
    return w


def build(size, face_channels, mel_steps, seed):
    rng = np.random.default_rng(seed)
    ref = [(c, 3 + c, 1.0) for c in range(3)] if face_channels == 6 else [(c, c, 1.0) for c in range(3)]
    init = {
        "audio_w": conv_weights(rng, 8, 1, noise=0.15),
        "audio_b": np.zeros(8, np.float32),
        "audio_gain": np.full((1, 8, 1, 1), 0.25, np.float32),
        "face_w": conv_weights(rng, 8, face_channels, identity=ref),
        "face_b": np.zeros(8, np.float32),
        "out_w": conv_weights(rng, 3, 8, identity=[(c, c, 4.0) for c in range(3)]),
        "out_b": np.full(3, -2.0, np.float32),
    }
    nodes = [
        helper.make_node("Conv", ["audio_sequences", "audio_w", "audio_b"], ["a1"], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["a1"], ["a2"]),
        helper.make_node("GlobalAveragePool", ["a2"], ["a3"]),
        helper.make_node("Tanh", ["a3"], ["a4"]),
        helper.make_node("Mul", ["a4", "audio_gain"], ["audio_scale"]),
        helper.make_node("Conv", ["face_sequences", "face_w", "face_b"], ["f1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["f1"], ["f2"]),
        helper.make_node("Mul", ["f2", "audio_scale"], ["f3"]),
        helper.make_node("Add", ["f2", "f3"], ["fused"]),
    ]
    nodes += [
        helper.make_node("Conv", ["fused", "out_w", "out_b"], ["o1"], pads=[1, 1, 1, 1]),
        helper.make_node("Sigmoid", ["o1"], ["generated"]),
    ]
    graph = helper.make_graph(
        nodes,
        f"wav2lip-interface-test-{size}",
        [
            helper.make_tensor_value_info("audio_sequences", TensorProto.FLOAT, ["B", 1, 80, mel_steps]),
            helper.make_tensor_value_info("face_sequences", TensorProto.FLOAT, ["B", face_channels, size, size]),
        ],
        [helper.make_tensor_value_info("generated", TensorProto.FLOAT, ["B", 3, size, size])],
        [numpy_helper.from_array(v, k) for k, v in init.items()],
    )
    model = helper.make_model(graph, producer_name="mirrorstage-test-model", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=96)
    p.add_argument("--out", required=True)
    p.add_argument("--face-channels", type=int, default=6)
    p.add_argument("--mel-steps", type=int, default=16)
    p.add_argument("--seed", type=int, default=14)
    a = p.parse_args()
    onnx.save(build(a.size, a.face_channels, a.mel_steps, a.seed), a.out)


if __name__ == "__main__":
    main()
