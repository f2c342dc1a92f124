"""Writes test/fixtures/safetensors/: a safetensors file with F32, F64, F16 and BF16 tensors and the
float32 values each must decode to (values rounded to each dtype by PyTorch, not by seqwasm).

The file layout follows the format section of https://github.com/huggingface/safetensors
(u64 little-endian header size, JSON header, byte buffer). Run with Debian's interpreter:
    /usr/bin/python3 tools/safetensors_fixture.py
"""
import json, struct, pathlib
import torch

out = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'safetensors'
out.mkdir(parents=True, exist_ok=True)
values = [0.0, -0.0, 1.0, -2.5, 3.14159265, 1e-3, 65504.0, 6e-8, -1.5e-5, 123.456, 1e-40, 7.0]
tensors = {
    # name: (torch dtype, safetensors dtype, shape)
    'weight_f32': (torch.float32, 'F32', [3, 4]),
    'weight_f64': (torch.float64, 'F64', [12]),
    'half.f16': (torch.float16, 'F16', [2, 6]),
    'brain.bf16': (torch.bfloat16, 'BF16', [4, 3]),
    'empty': (torch.float32, 'F32', [0, 5]),
}
header, blobs, expected, offset = {'__metadata__': {'made_by': 'tools/safetensors_fixture.py'}}, [], {}, 0
for name, (dtype, tag, shape) in tensors.items():
    n = 1
    for d in shape:
        n *= d
    t = torch.tensor(values[:n], dtype=torch.float64).to(dtype).reshape(shape)
    raw = t.view(torch.int16).numpy().tobytes() if dtype == torch.bfloat16 else t.numpy().tobytes()
    header[name] = {'dtype': tag, 'shape': shape, 'data_offsets': [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
    expected[name] = {'shape': shape, 'data': [float(v) for v in t.to(torch.float32).reshape(-1).tolist()]}
head = json.dumps(header).encode()
head += b' ' * ((8 - len(head) % 8) % 8)
(out / 'mixed.safetensors').write_bytes(struct.pack('<Q', len(head)) + head + b''.join(blobs))
(out / 'mixed.json').write_text(json.dumps({'torch': torch.__version__, 'metadata': header['__metadata__'], 'tensors': expected}, indent=1) + '\n')
print('wrote', out)
