#include "image/convert.h"

#include "util/error.h"

#include <algorithm>

namespace mosaic::image {

at::Tensor toTensor(const RgbaImage &img)
{
    if (img.isNull() || img.pixels.size() != static_cast<size_t>(img.width) * img.height * 4)
        throw Error(StatusCode::InvalidArgument, "image buffer does not match its size");
    at::Tensor px = at::from_blob(const_cast<uint8_t *>(img.pixels.data()), {img.height, img.width, 4}, at::kByte)
                        .to(at::kFloat) / 255.0;                      // [H, W, 4]
    at::Tensor rgb = px.narrow(2, 0, 3), a = px.narrow(2, 3, 1);
    rgb = rgb * a + (1.0 - a);                                         // over white
    return (rgb * 2.0 - 1.0).permute({2, 0, 1}).unsqueeze(0).contiguous(); // [1, 3, H, W]
}

RgbaImage fromTensor(const at::Tensor &t)
{
    at::Tensor x = (t.dim() == 4 ? t[0] : t).to(at::kCPU);             // [3, H, W], from any device
    x = ((x.to(at::kFloat).clamp(-1.0, 1.0) + 1.0) * 127.5).round().to(at::kByte).permute({1, 2, 0});
    RgbaImage img;
    img.height = static_cast<int>(x.size(0));
    img.width = static_cast<int>(x.size(1));
    at::Tensor rgba = at::cat({x, at::full({x.size(0), x.size(1), 1}, 255, at::kByte)}, 2).contiguous();
    img.pixels.assign(rgba.data_ptr<uint8_t>(), rgba.data_ptr<uint8_t>() + rgba.numel());
    return img;
}

FloatMap toFloatMap(const at::Tensor &map, int width, int height)
{
    at::Tensor m = map.to(at::kCPU, at::kFloat).reshape({1, 1, map.size(-2), map.size(-1)});
    if (m.size(2) != height || m.size(3) != width)
        m = at::upsample_bilinear2d(m, {height, width}, false);
    m = m.reshape({height, width}).contiguous();
    FloatMap out;
    out.width = width;
    out.height = height;
    out.values.assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
    return out;
}

at::Tensor maskToGrid(const FloatMap &mask, int64_t h, int64_t w)
{
    if (mask.width <= 0 || mask.height <= 0 || mask.values.size() != static_cast<size_t>(mask.width) * mask.height)
        throw Error(StatusCode::InvalidArgument, "region mask buffer does not match its size");
    at::Tensor m = at::from_blob(const_cast<float *>(mask.values.data()), {1, 1, mask.height, mask.width}, at::kFloat)
                       .clamp(0.0, 1.0);
    return at::adaptive_avg_pool2d(m, {h, w}).reshape({h, w});
}

at::Tensor toHeight(const at::Tensor &img, int64_t h)
{
    if (img.size(1) == h)
        return img;
    return at::upsample_bilinear2d(img.unsqueeze(0), {h, img.size(2) * h / img.size(1)}, false)[0];
}

at::Tensor stackRows(std::vector<at::Tensor> rows)
{
    int64_t width = 0;
    for (const auto &r : rows)
        width = std::max(width, r.size(2));
    for (auto &r : rows)
        r = at::constant_pad_nd(r, {0, width - r.size(2)}, 1.0);
    return at::cat(rows, 1);
}

} // namespace mosaic::image
