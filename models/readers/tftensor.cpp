#include "tftensor.h"
#include "protowire.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace runlens {

namespace {

// TensorFlow's DataType numbers (tensorflow/core/framework/types.proto).
enum DType {
    DtFloat = 1,
    DtDouble = 2,
    DtInt32 = 3,
    DtUint8 = 4,
    DtInt16 = 5,
    DtInt8 = 6,
    DtInt64 = 9,
    DtUint16 = 17,
    DtUint32 = 22,
    DtUint64 = 23,
};

/// Bytes per element of the numeric types read, 0 for the others.
int elementSize(int dtype) {
    switch (dtype) {
    case DtInt8:
    case DtUint8:
        return 1;
    case DtInt16:
    case DtUint16:
        return 2;
    case DtFloat:
    case DtInt32:
    case DtUint32:
        return 4;
    case DtDouble:
    case DtInt64:
    case DtUint64:
        return 8;
    default:
        return 0;
    }
}

/// A little-endian element of `dtype` from `tensor_content`.
double fromContent(int dtype, const char *p) {
    quint64 u = 0;
    const int n = elementSize(dtype);
    for (int k = n - 1; k >= 0; --k)
        u = (u << 8) | quint8(p[k]);
    switch (dtype) {
    case DtFloat: {
        float f;
        const auto bits = quint32(u);
        std::memcpy(&f, &bits, sizeof f);
        return f;
    }
    case DtDouble: {
        double d;
        std::memcpy(&d, &u, sizeof d);
        return d;
    }
    case DtInt8:
        return double(qint8(u));
    case DtInt16:
        return double(qint16(u));
    case DtInt32:
        return double(qint32(u));
    case DtInt64:
        return double(qint64(u));
    default:
        return double(u); // the unsigned types
    }
}

/// The TensorProto field holding values of `dtype` when tensor_content is empty.
int valueField(int dtype) {
    switch (dtype) {
    case DtFloat:
        return 5; // float_val
    case DtDouble:
        return 6; // double_val
    case DtInt64:
        return 10; // int64_val
    case DtUint32:
        return 16;
    case DtUint64:
        return 17;
    default:
        return 7; // int_val: int32, int16, int8, uint16, uint8
    }
}

} // namespace

TfTensorScalar decodeTensorScalar(QByteArrayView tensor) {
    // TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2;
    // bytes tensor_content = 4; repeated float float_val = 5 [packed]; ... }
    TfTensorScalar out;
    ProtoReader r(tensor);
    QByteArrayView content;
    bool scalarShape = true;
    std::vector<std::pair<int, ProtoReader>> values; // typed value fields, in order
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == ProtoReader::Varint) {
            out.dtype = int(std::min<quint64>(r.varint(), 1000));
        } else if (r.field() == 2 && r.wireType() == ProtoReader::Bytes) {
            // TensorShapeProto { repeated Dim dim = 2 (Dim { int64 size = 1; }); bool
            // unknown_rank = 3; }: a scalar has no dims, or only dims of size 1.
            ProtoReader shape(r.bytes());
            while (shape.next()) {
                if (shape.field() == 3 && shape.boolean()) scalarShape = false;
                if (shape.field() != 2 || shape.wireType() != ProtoReader::Bytes) continue;
                ProtoReader dim(shape.bytes());
                std::int64_t size = 1;
                while (dim.next())
                    if (dim.field() == 1 && dim.wireType() == ProtoReader::Varint)
                        size = dim.int64();
                if (!dim.ok()) return {TfTensorScalar::Result::Malformed, 0, out.dtype};
                if (size != 1) scalarShape = false;
            }
            if (!shape.ok()) return {TfTensorScalar::Result::Malformed, 0, out.dtype};
        } else if (r.field() == 4 && r.wireType() == ProtoReader::Bytes) {
            content = r.bytes();
        } else if (r.field() >= 5 && r.field() <= 17 && values.size() < 4) {
            values.emplace_back(r.field(), r);
        }
    }
    if (!r.ok()) return {TfTensorScalar::Result::Malformed, 0, out.dtype};
    if (!scalarShape) return {TfTensorScalar::Result::NotScalar, 0, out.dtype};
    const int size = elementSize(out.dtype);
    if (size == 0) return {TfTensorScalar::Result::Unsupported, 0, out.dtype};
    if (!content.isEmpty()) {
        if (content.size() != size) return {TfTensorScalar::Result::Malformed, 0, out.dtype};
        return {TfTensorScalar::Result::Value, fromContent(out.dtype, content.data()), out.dtype};
    }
    const int field = valueField(out.dtype);
    for (const auto &[f, reader] : values) {
        if (f != field) continue;
        bool got = false;
        double v = 0;
        const auto first = [&](auto x) {
            if (!got) v = double(x);
            got = true;
        };
        bool ok = true;
        if (out.dtype == DtFloat) {
            ok = reader.forEachFloat(first);
        } else if (out.dtype == DtDouble) {
            ok = reader.forEachDouble(first);
        } else {
            ok = reader.forEachVarint([&](quint64 u) {
                if (got) return;
                got = true;
                switch (out.dtype) {
                case DtInt64:
                    v = double(qint64(u));
                    break;
                case DtUint64:
                    v = double(u);
                    break;
                case DtUint32:
                    v = double(quint32(u));
                    break;
                case DtUint8:
                    v = double(quint8(u));
                    break;
                case DtUint16:
                    v = double(quint16(u));
                    break;
                default:
                    v = double(qint32(u));
                    break; // int32 and narrower, sign-extended
                }
            });
        }
        if (!ok) return {TfTensorScalar::Result::Malformed, 0, out.dtype};
        if (got) return {TfTensorScalar::Result::Value, v, out.dtype};
    }
    return {TfTensorScalar::Result::Malformed, 0, out.dtype}; // a scalar without a value
}

} // namespace runlens
