#pragma once

#include <QByteArrayView>

namespace runlens {

/// The value of a 0-d numeric TensorProto (FORMATS.md 7.2), as TF 2's `tf.summary.scalar` and
/// PyTorch's new-style scalars log it: DT_FLOAT, DT_DOUBLE and the integer types, from the
/// typed repeated field (packed or not) or `tensor_content`. A shape of dims of size 1 counts
/// as a scalar; anything larger is NotScalar, other types Unsupported, a broken message or a
/// scalar without a value Malformed.
struct TfTensorScalar {
    enum class Result { Value, NotScalar, Unsupported, Malformed };
    Result result = Result::NotScalar;
    double value = 0;
    int dtype = 0;
};
TfTensorScalar decodeTensorScalar(QByteArrayView tensor);

} // namespace runlens
