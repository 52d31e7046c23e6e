// OpenCV parts of the annotator: SIFT feature matching (ratio test, RANSAC affine, inside the
// subject's region) and GrabCut.
#include "annotate/features.h"

#include "util/error.h"
#include "util/strings.h"

#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace mosaic {

namespace {

cv::Mat gray(const RgbaImage &img)
{
    cv::Mat rgba(img.height, img.width, CV_8UC4, const_cast<uint8_t *>(img.pixels.data()));
    cv::Mat g;
    cv::cvtColor(rgba, g, cv::COLOR_RGBA2GRAY);
    return g;
}

// The subject's region in the target as an 8-bit mask of the target's size.
cv::Mat regionMask(const SuggestSubject &s, int width, int height)
{
    cv::Mat m(height, width, CV_8U, cv::Scalar(0));
    if (s.mask.width > 0 && s.mask.values.size() == static_cast<size_t>(s.mask.width) * s.mask.height) {
        cv::Mat f(s.mask.height, s.mask.width, CV_32F, const_cast<float *>(s.mask.values.data()));
        cv::Mat scaled;
        cv::resize(f, scaled, cv::Size(width, height), 0, 0, cv::INTER_NEAREST);
        m = scaled > 0.5f;
    } else if (s.box) {
        const auto &b = *s.box;
        const cv::Rect r(cv::Point(static_cast<int>(b.x * width), static_cast<int>(b.y * height)),
                         cv::Point(static_cast<int>((b.x + b.w) * width + 0.5), static_cast<int>((b.y + b.h) * height + 0.5)));
        m(r & cv::Rect(0, 0, width, height)).setTo(255);
    } else {
        m.setTo(255);
    }
    // A margin, so that keypoints on the subject's outline are found.
    cv::dilate(m, m, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(9, 9)));
    return m;
}

} // namespace

Status suggestFeaturePairs(const RgbaImage &target, const SuggestSubject &subject, const SuggestOptions &options,
                           std::vector<Correspondence> *out)
{
    return guarded([&] {
        const cv::Mat ref = gray(subject.reference), tgt = gray(target);
        // The reference's subject: its non-white pixels (all of it for a photo without a white background).
        cv::Mat refMask = ref < 250;
        if (cv::countNonZero(refMask) < 16)
            refMask.setTo(255);
        cv::dilate(refMask, refMask, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(9, 9)));
        const cv::Mat tgtMask = regionMask(subject, target.width, target.height);

        auto sift = cv::SIFT::create(2000);
        std::vector<cv::KeyPoint> kr, kt;
        cv::Mat dr, dt;
        sift->detectAndCompute(ref, refMask, kr, dr);
        sift->detectAndCompute(tgt, tgtMask, kt, dt);
        std::vector<Correspondence> v;
        if (kr.size() < 3 || kt.size() < 3) {
            *out = v;
            return;
        }
        cv::BFMatcher matcher(cv::NORM_L2);
        std::vector<std::vector<cv::DMatch>> knn;
        matcher.knnMatch(dr, dt, knn, 2);
        std::vector<cv::DMatch> good;
        std::vector<float> ratios;
        for (const auto &m : knn)
            if (m.size() == 2 && m[0].distance < 0.75f * m[1].distance) { // Lowe's ratio test
                good.push_back(m[0]);
                ratios.push_back(m[0].distance / std::max(1e-6f, m[1].distance));
            }
        if (good.size() < 3) {
            *out = v;
            return;
        }
        std::vector<cv::Point2f> pr, pt;
        for (const auto &m : good) {
            pr.push_back(kr[static_cast<size_t>(m.queryIdx)].pt);
            pt.push_back(kt[static_cast<size_t>(m.trainIdx)].pt);
        }
        std::vector<uint8_t> inliers;
        const double threshold = 0.01 * std::max(target.width, target.height) + 1.0;
        const cv::Mat affine = cv::estimateAffine2D(pr, pt, inliers, cv::RANSAC, threshold, 4000, 0.995);
        if (affine.empty())
            inliers.assign(good.size(), 0);
        for (size_t i = 0; i < good.size(); ++i) {
            if (!inliers[i])
                continue; // inconsistent with the fitted transform
            Correspondence c;
            c.refX = (pr[i].x + 0.5f) / static_cast<float>(subject.reference.width);
            c.refY = (pr[i].y + 0.5f) / static_cast<float>(subject.reference.height);
            c.tgtX = (pt[i].x + 0.5f) / static_cast<float>(target.width);
            c.tgtY = (pt[i].y + 0.5f) / static_cast<float>(target.height);
            c.refX = std::clamp(c.refX, 0.0f, 1.0f), c.refY = std::clamp(c.refY, 0.0f, 1.0f);
            c.tgtX = std::clamp(c.tgtX, 0.0f, 1.0f), c.tgtY = std::clamp(c.tgtY, 0.0f, 1.0f);
            c.confidence = std::clamp(1.0f - ratios[i], 0.0f, 1.0f) * 0.5f + 0.5f; // an inlier: at least 0.5
            c.source = PointSource::FeatureMatch;
            c.status = ReviewStatus::Suggested;
            v.push_back(c);
        }
        std::sort(v.begin(), v.end(), [](const Correspondence &a, const Correspondence &b) { return a.confidence > b.confidence; });
        // One pair per reference neighbourhood (2 % of the reference), the most confident first.
        std::vector<Correspondence> kept;
        for (const auto &c : v) {
            bool near = false;
            for (const auto &k : kept)
                near = near || (std::abs(k.refX - c.refX) < 0.02f && std::abs(k.refY - c.refY) < 0.02f);
            if (!near)
                kept.push_back(c);
            if (static_cast<int>(kept.size()) >= std::max(1, options.maxPairs))
                break;
        }
        *out = std::move(kept);
    });
}

Status grabCut(const RgbaImage &image, const NormalizedBox &box, int iterations, FloatMap *mask)
{
    return guarded([&] {
        if (image.isNull() || image.pixels.size() != static_cast<size_t>(image.width) * image.height * 4)
            throw Error(StatusCode::InvalidArgument, "GrabCut: the image is empty or damaged");
        cv::Mat rgba(image.height, image.width, CV_8UC4, const_cast<uint8_t *>(image.pixels.data()));
        cv::Mat bgr;
        cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
        const cv::Rect r = cv::Rect(cv::Point(static_cast<int>(box.x * image.width), static_cast<int>(box.y * image.height)),
                                    cv::Point(static_cast<int>((box.x + box.w) * image.width),
                                              static_cast<int>((box.y + box.h) * image.height))) &
                           cv::Rect(0, 0, image.width, image.height);
        if (r.width < 2 || r.height < 2)
            throw Error(StatusCode::InvalidArgument, "GrabCut: the box is too small");
        cv::Mat m(image.height, image.width, CV_8U, cv::Scalar(cv::GC_BGD)), bg, fg;
        cv::grabCut(bgr, m, r, bg, fg, std::clamp(iterations, 1, 20), cv::GC_INIT_WITH_RECT);
        FloatMap result;
        result.width = image.width;
        result.height = image.height;
        result.values.resize(static_cast<size_t>(image.width) * image.height);
        for (int y = 0; y < image.height; ++y)
            for (int x = 0; x < image.width; ++x) {
                const uint8_t v = m.at<uint8_t>(y, x);
                result.values[static_cast<size_t>(y) * image.width + x] = (v == cv::GC_FGD || v == cv::GC_PR_FGD) ? 1.0f : 0.0f;
            }
        *mask = std::move(result);
    });
}

} // namespace mosaic
