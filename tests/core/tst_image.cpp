// Image files from outside (PNG grey / 16-bit / palette / alpha, CMYK JPEG, corrupt, truncated, huge),
// MOSAIC's reference preparation, and the PNG text chunks that carry generation parameters.
#include "testsupport.h"

#include <mosaic/image.h>

#include "image/png_text.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <jpeglib.h>
#include <zlib.h>

using namespace mosaic;

namespace {

void put32(std::string &s, uint32_t v)
{
    for (int i = 3; i >= 0; --i)
        s += static_cast<char>((v >> (8 * i)) & 0xff);
}

void chunk(std::string &png, const std::string &type, const std::string &data)
{
    put32(png, static_cast<uint32_t>(data.size()));
    const std::string td = type + data;
    png += td;
    put32(png, static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef *>(td.data()), static_cast<uInt>(td.size()))));
}

// A PNG from raw scanlines (filter byte 0 is prepended here).
std::string makePng(int w, int h, int bitDepth, int colorType, const std::string &rows, const std::string &plte = {},
                    const std::string &trns = {})
{
    std::string png("\x89PNG\r\n\x1a\n", 8), ihdr;
    put32(ihdr, static_cast<uint32_t>(w));
    put32(ihdr, static_cast<uint32_t>(h));
    ihdr += static_cast<char>(bitDepth);
    ihdr += static_cast<char>(colorType);
    ihdr += std::string(3, '\0');
    chunk(png, "IHDR", ihdr);
    if (!plte.empty())
        chunk(png, "PLTE", plte);
    if (!trns.empty())
        chunk(png, "tRNS", trns);
    const size_t rowBytes = rows.size() / static_cast<size_t>(h);
    std::string raw;
    for (int y = 0; y < h; ++y)
        raw += '\0' + rows.substr(static_cast<size_t>(y) * rowBytes, rowBytes);
    uLongf len = compressBound(static_cast<uLong>(raw.size()));
    std::string z(len, '\0');
    compress(reinterpret_cast<Bytef *>(z.data()), &len, reinterpret_cast<const Bytef *>(raw.data()),
             static_cast<uLong>(raw.size()));
    z.resize(len);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", "");
    return png;
}

std::string cmykJpeg(int w, int h, const uint8_t cmyk[4])
{
    jpeg_compress_struct c{};
    jpeg_error_mgr err{};
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *buf = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &buf, &size);
    c.image_width = static_cast<JDIMENSION>(w);
    c.image_height = static_cast<JDIMENSION>(h);
    c.input_components = 4;
    c.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 95, TRUE);
    jpeg_start_compress(&c, TRUE);
    std::vector<uint8_t> row(static_cast<size_t>(w) * 4);
    for (int x = 0; x < w; ++x)
        std::copy(cmyk, cmyk + 4, &row[static_cast<size_t>(x) * 4]);
    while (c.next_scanline < c.image_height) {
        JSAMPROW r = row.data();
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    std::string out(reinterpret_cast<char *>(buf), size);
    jpeg_destroy_compress(&c);
    std::free(buf);
    return out;
}

std::vector<uint8_t> bytes(const std::string &s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}

const uint8_t *px(const RgbaImage &img, int x, int y)
{
    return &img.pixels[(static_cast<size_t>(y) * img.width + x) * 4];
}

} // namespace

class TstImage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // OpenCV's own pixel limit is in the environment before any image is decoded: set while the
    // library loads, not per decode (setenv racing Qt Test's watchdog thread's getenv crashed this
    // suite once).
    void openCvLimitSetAtLoad()
    {
        const char *limit = std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS");
        QVERIFY(limit);
        QCOMPARE(std::string(limit), std::to_string(kMaxImagePixels));
    }

    void decodesEveryKind_data()
    {
        QTest::addColumn<std::string>("file");
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("g");
        QTest::addColumn<int>("b");
        QTest::addColumn<int>("a");
        // 2x1 images; the first pixel is checked.
        QTest::newRow("grey 8-bit") << makePng(2, 1, 8, 0, std::string("\x80\x10", 2)) << 128 << 128 << 128 << 255;
        QTest::newRow("grey 16-bit") << makePng(2, 1, 16, 0, std::string("\xff\xff\x00\x00", 4)) << 255 << 255 << 255 << 255;
        QTest::newRow("RGB 16-bit") << makePng(1, 1, 16, 2, std::string("\xff\xff\x80\x00\x00\x00", 6)) << 255 << 127 << 0 << 255;
        QTest::newRow("RGBA") << makePng(1, 1, 8, 6, std::string("\x10\x20\x30\x40", 4)) << 16 << 32 << 48 << 64;
        QTest::newRow("grey + alpha") << makePng(1, 1, 8, 4, std::string("\x50\x80", 2)) << 80 << 80 << 80 << 128;
        QTest::newRow("palette") << makePng(2, 1, 8, 3, std::string("\x01\x00", 2), std::string("\x00\x00\x00\x0a\x14\x1e", 6))
                                 << 10 << 20 << 30 << 255;
        QTest::newRow("palette + tRNS") << makePng(1, 1, 8, 3, std::string("\x00", 1), std::string("\xc8\x64\x32", 3),
                                                   std::string("\x40", 1))
                                        << 200 << 100 << 50 << 64;
        const uint8_t cmyk[4] = {255, 255, 255, 255}; // Adobe-inverted CMYK: no ink = white
        QTest::newRow("CMYK JPEG") << cmykJpeg(8, 8, cmyk) << 255 << 255 << 255 << 255;
    }

    void decodesEveryKind()
    {
        QFETCH(std::string, file);
        QFETCH(int, r);
        QFETCH(int, g);
        QFETCH(int, b);
        QFETCH(int, a);
        RgbaImage img;
        const Status st = decodeImage(bytes(file), "test image", &img);
        QVERIFY2(st.ok(), st.message.c_str());
        const uint8_t *p = px(img, 0, 0);
        QVERIFY2(std::abs(p[0] - r) <= 2 && std::abs(p[1] - g) <= 2 && std::abs(p[2] - b) <= 2 && p[3] == a,
                 (std::to_string(p[0]) + "," + std::to_string(p[1]) + "," + std::to_string(p[2]) + "," +
                  std::to_string(p[3]))
                     .c_str());
    }

    void refusesBadFiles_data()
    {
        QTest::addColumn<std::string>("file");
        QTest::addColumn<std::string>("expected");
        const std::string good = makePng(4, 4, 8, 2, std::string(48, '\x7f'));
        QTest::newRow("not an image") << std::string("hello, world") << std::string("not an image");
        QTest::newRow("truncated PNG") << good.substr(0, good.size() / 2) << std::string("corrupt or truncated");
        std::string huge = makePng(1, 1, 8, 0, std::string(1, '\0'));
        huge[16] = huge[20] = '\x01'; // IHDR claims 16 million x 16 million pixels
        QTest::newRow("absurd size") << huge << std::string("megapixels");
        QTest::newRow("empty") << std::string() << std::string("not an image");
    }

    void refusesBadFiles()
    {
        QFETCH(std::string, file);
        QFETCH(std::string, expected);
        RgbaImage img;
        const Status st = decodeImage(bytes(file), "bad.png", &img);
        QVERIFY(!st.ok());
        QVERIFY2(st.message.find("bad.png") != std::string::npos, st.message.c_str());
        QVERIFY2(st.message.find(expected) != std::string::npos, st.message.c_str());
    }

    void missingFile()
    {
        RgbaImage img;
        const Status st = loadImage("/nonexistent/cat.png", &img);
        QCOMPARE(st.code, StatusCode::NotFound);
        QVERIFY(st.message.find("/nonexistent/cat.png") != std::string::npos);
    }

    void preparesLikeMosaic()
    {
        // A 40x20 red block at (30, 50) on a 200x100 white image: cropped to the block, long side
        // scaled to int(0.9 * 64) = 57, height int(20 * 57 / 40) = 28, centred on 64x64 white.
        RgbaImage img;
        img.width = 200;
        img.height = 100;
        img.pixels.assign(200 * 100 * 4, 255);
        for (int y = 50; y < 70; ++y)
            for (int x = 30; x < 70; ++x) {
                uint8_t *p = &img.pixels[(static_cast<size_t>(y) * 200 + x) * 4];
                p[1] = p[2] = 0;
            }
        RgbaImage out;
        QVERIFY(prepareReference(img, 64, &out).ok());
        QCOMPARE(out.width, 64);
        QCOMPARE(out.height, 64);
        const int w = static_cast<int>(40 * (0.9 * 64 / 40)), h = static_cast<int>(20 * (0.9 * 64 / 40));
        QCOMPARE(w, 57);
        QCOMPARE(h, 28);
        const int x0 = (64 - w) / 2, y0 = (64 - h) / 2;
        QCOMPARE(static_cast<int>(px(out, 32, 32)[1]), 0);          // inside: red
        QCOMPARE(static_cast<int>(px(out, x0 + 1, y0 + 1)[1]), 0);
        QCOMPARE(static_cast<int>(px(out, x0 - 1, 32)[1]), 255);    // left of the block: white
        QCOMPARE(static_cast<int>(px(out, 32, y0 - 1)[1]), 255);    // above: white
        QCOMPARE(static_cast<int>(px(out, 32, y0 + h)[1]), 255);    // below: white

        // Transparent pixels become white and do not count for the crop.
        RgbaImage alpha = img;
        for (size_t i = 0; i < alpha.pixels.size(); i += 4)
            alpha.pixels[i + 3] = alpha.pixels[i + 1] == 0 ? 255 : 0;
        for (size_t i = 0; i < alpha.pixels.size(); i += 4)
            if (alpha.pixels[i + 3] == 0)
                alpha.pixels[i] = alpha.pixels[i + 1] = alpha.pixels[i + 2] = 17; // colour under zero alpha
        RgbaImage out2;
        QVERIFY(prepareReference(alpha, 64, &out2).ok());
        QVERIFY(out2.pixels == out.pixels);

        // All white: the full image is scaled.
        RgbaImage white;
        white.width = white.height = 10;
        white.pixels.assign(400, 255);
        QVERIFY(prepareReference(white, 64, &out).ok());
        QCOMPARE(out.width, 64);
    }

    void pngTextRoundTrip()
    {
        const std::string dir = testsupport::scratchDir("png");
        RgbaImage img;
        img.width = 3;
        img.height = 2;
        img.pixels.assign(24, 200);
        const std::map<std::string, std::string> text{
            {"parameters", "a cat\nSteps: 8, Sampler: Euler, Seed: 42"},
            {"mosaic", "{\"prompt\": \"ein Kätzchen 🐱\"}"}};
        QVERIFY(savePng(dir + "/out.png", img, text).ok());
        std::map<std::string, std::string> back;
        QVERIFY(readPngText(dir + "/out.png", &back).ok());
        QVERIFY(back == text);
        // The ASCII "parameters" is a tEXt chunk (what A1111 readers and exiftool look for); the
        // UTF-8 JSON an iTXt chunk.
        std::ifstream in(dir + "/out.png", std::ios::binary);
        const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(raw.find("tEXtparameters") != std::string::npos);
        QVERIFY(raw.find("iTXtmosaic") != std::string::npos);
        RgbaImage decoded;
        QVERIFY(loadImage(dir + "/out.png", &decoded).ok());
        QVERIFY(decoded.pixels == img.pixels);

        // A truncated PNG's text cannot be read past its end.
        std::vector<uint8_t> cut(raw.begin(), raw.begin() + 40);
        bool threw = false;
        try {
            image::parsePngText(cut, "cut.png");
        } catch (const std::exception &) {
            threw = true;
        }
        QVERIFY(threw);
    }
};

MOSAIC_TEST_MAIN(TstImage, MT_FN(openCvLimitSetAtLoad) MT_DATA(decodesEveryKind) MT_DATA(refusesBadFiles) MT_FN(missingFile)
                               MT_FN(preparesLikeMosaic) MT_FN(pngTextRoundTrip))

#include "tst_image.moc"
