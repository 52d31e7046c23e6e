#include <mosaic/layout.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <cmath>
#include <cstring>

namespace mosaic {

namespace {

bool wordChar(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

std::string lower(std::string s)
{
    for (char &c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

struct Clause
{
    std::vector<std::string> words;
    size_t begin = 0, end = 0; // in the prompt
    int x = -1;                // 0 left, 1 middle, 2 right
    int y = -1;                // 0 top, 2 bottom
};

// Horizontal and vertical parts a word names (-1: none).
int horizontalPart(const std::string &w)
{
    if (w == "left")
        return 0;
    if (w == "right")
        return 2;
    if (w == "middle" || w == "center" || w == "centre" || w == "centered" || w == "centred" || w == "central")
        return 1;
    return -1;
}

int verticalPart(const std::string &w)
{
    if (w == "top" || w == "upper")
        return 0;
    if (w == "bottom" || w == "lower")
        return 2;
    return -1;
}

std::vector<Clause> splitClauses(const std::string &prompt)
{
    std::vector<Clause> out(1);
    auto close = [&] {
        if (!out.back().words.empty())
            out.emplace_back();
    };
    for (size_t i = 0; i < prompt.size();) {
        const auto c = static_cast<unsigned char>(prompt[i]);
        if (wordChar(c)) {
            size_t j = i;
            while (j < prompt.size() && (wordChar(static_cast<unsigned char>(prompt[j])) || prompt[j] == '\''))
                ++j;
            std::string w = lower(prompt.substr(i, j - i));
            if (const auto apos = w.find('\''); apos != std::string::npos)
                w.resize(apos); // "Pip's" names Pip
            if (w == "and") {
                close();
            } else if (!w.empty()) {
                Clause &cl = out.back();
                if (cl.words.empty())
                    cl.begin = i;
                cl.end = j;
                cl.words.push_back(w);
                if (const int x = horizontalPart(w); x >= 0)
                    cl.x = x;
                if (const int y = verticalPart(w); y >= 0)
                    cl.y = y;
            }
            i = j;
        } else {
            if (std::strchr(",;:.!?()\n", static_cast<int>(c)) != nullptr && c != 0)
                close();
            ++i;
        }
    }
    if (out.back().words.empty())
        out.pop_back();
    return out;
}

struct Box
{
    double cx, cy, hw, hh;
    bool fixed;
};

} // namespace

std::vector<std::string> layoutKeys(const std::string &text)
{
    static const char *const kSkip[] = {"a", "an", "the", "and", "of", "on", "in", "at", "to", "with", "by",
                                        "is", "its", "side", "toy", "toys"};
    std::vector<std::string> keys;
    for (const Clause &c : splitClauses(text))
        for (const std::string &w : c.words) {
            const bool digits = std::all_of(w.begin(), w.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
            const bool skip = std::any_of(std::begin(kSkip), std::end(kSkip), [&](const char *s) { return w == s; });
            if (!digits && !skip && horizontalPart(w) < 0 && verticalPart(w) < 0 &&
                std::find(keys.begin(), keys.end(), w) == keys.end())
                keys.push_back(w);
        }
    return keys;
}

std::vector<PlannedBox> planLayout(const std::string &prompt, const std::vector<LayoutSubject> &subjects, int width, int height)
{
    const size_t n = subjects.size();
    std::vector<PlannedBox> out(n);
    if (n == 0)
        return out;
    const double W = std::max(1, width), H = std::max(1, height), S = std::min(W, H);
    const int rows = n <= 4 ? 1 : 2, cols = (static_cast<int>(n) + rows - 1) / rows;
    const double side = std::min(0.5, 0.8 * std::min(1.0 / cols, 1.0 / rows)) * S;

    // Which clause places which subject; the order in which the prompt mentions them.
    const std::vector<Clause> clauses = splitClauses(prompt);
    std::vector<int> clauseOf(n, -1);
    std::vector<size_t> mentioned;
    for (size_t c = 0; c < clauses.size(); ++c) {
        bool found = false;
        for (const std::string &w : clauses[c].words) {
            for (size_t s = 0; s < n && !found; ++s)
                if (clauseOf[s] < 0 && !subjects[s].fixed &&
                    std::find(subjects[s].keys.begin(), subjects[s].keys.end(), lower(w)) != subjects[s].keys.end()) {
                    clauseOf[s] = static_cast<int>(c);
                    mentioned.push_back(s);
                    found = true;
                }
            if (found)
                break;
        }
    }

    std::vector<Box> boxes(n);
    std::vector<bool> placed(n, false);
    for (size_t s = 0; s < n; ++s)
        if (subjects[s].fixed) {
            const NormalizedBox &f = *subjects[s].fixed;
            boxes[s] = {(f.x + f.w / 2) * W, (f.y + f.h / 2) * H, f.w / 2 * W, f.h / 2 * H, true};
            placed[s] = true;
        }
    // Subjects the prompt places, grouped by the part it names; within a part, across it in the order
    // of mention, alternately higher and lower so that neighbours clear each other.
    const double defaultY = 0.62 * H;
    for (int gx = -1; gx <= 2; ++gx)
        for (int gy = -1; gy <= 2; ++gy) {
            if (gx < 0 && gy < 0)
                continue;
            std::vector<size_t> group;
            for (size_t s : mentioned)
                if (clauses[clauseOf[s]].x == gx && clauses[clauseOf[s]].y == gy)
                    group.push_back(s);
            const double lo = gx < 0 ? 0.0 : gx * W / 3, hi = gx < 0 ? W : (gx + 1) * W / 3;
            const double yc = gy == 0 ? 0.3 * H : gy == 2 ? 0.78 * H : defaultY;
            for (size_t j = 0; j < group.size(); ++j) {
                const double stagger = group.size() > 1 ? (j % 2 ? 0.5 : -0.5) * side : 0.0;
                boxes[group[j]] = {lo + (j + 0.5) / group.size() * (hi - lo), yc + stagger, side / 2, side / 2, false};
                placed[group[j]] = true;
                const Clause &c = clauses[clauseOf[group[j]]];
                out[group[j]].clause = prompt.substr(c.begin, c.end - c.begin);
            }
        }
    // The rest across the width (two rows beyond four), mentioned ones first.
    std::vector<size_t> rest;
    for (size_t s : mentioned)
        if (!placed[s])
            rest.push_back(s);
    for (size_t s = 0; s < n; ++s)
        if (!placed[s] && std::find(rest.begin(), rest.end(), s) == rest.end())
            rest.push_back(s);
    const size_t restRows = rest.size() <= 4 ? 1 : 2, perRow = (rest.size() + restRows - 1) / restRows;
    for (size_t j = 0; j < rest.size(); ++j) {
        const size_t r = j / perRow, c = j % perRow, inRow = std::min(perRow, rest.size() - r * perRow);
        const double y = restRows == 1 ? defaultY : (0.33 + 0.4 * static_cast<double>(r)) * H;
        boxes[rest[j]] = {(c + 0.5) / inRow * W, y, side / 2, side / 2, false};
    }

    // Push overlapping boxes apart along the axis they overlap least on, then keep them on the canvas.
    auto clamp = [&](Box &b) {
        b.cx = std::clamp(b.cx, b.hw, std::max(b.hw, W - b.hw));
        b.cy = std::clamp(b.cy, b.hh, std::max(b.hh, H - b.hh));
    };
    for (Box &b : boxes)
        if (!b.fixed)
            clamp(b);
    auto overlap = [](const Box &a, const Box &b) {
        const double ox = a.hw + b.hw - std::abs(a.cx - b.cx), oy = a.hh + b.hh - std::abs(a.cy - b.cy);
        return ox > 1e-9 && oy > 1e-9 ? std::min(ox, oy) : 0.0;
    };
    for (int iter = 0; iter < 200; ++iter) {
        bool any = false;
        for (size_t i = 0; i < n; ++i)
            for (size_t j = i + 1; j < n; ++j) {
                Box &a = boxes[i], &b = boxes[j];
                if ((a.fixed && b.fixed) || overlap(a, b) <= 0.0)
                    continue;
                any = true;
                // Of the four ways apart (a to the left of b, right, above, below), the shortest that the
                // canvas leaves room for; a fixed box does not move.
                const double shareA = a.fixed ? 0.0 : b.fixed ? 1.0 : 0.5;
                Box bestA = a, bestB = b;
                double bestCost = -1;
                for (int way = 0; way < 4; ++way) {
                    const bool alongX = way < 2;
                    const double sign = way % 2 ? 1.0 : -1.0; // where a goes relative to b
                    const double gap = alongX ? a.hw + b.hw : a.hh + b.hh;
                    const double now = alongX ? a.cx - b.cx : a.cy - b.cy;
                    const double d = sign * gap - now + sign * 1e-6; // how far apart they must move
                    Box ta = a, tb = b;
                    (alongX ? ta.cx : ta.cy) += d * shareA;
                    (alongX ? tb.cx : tb.cy) -= d * (1.0 - shareA);
                    if (!ta.fixed)
                        clamp(ta);
                    if (!tb.fixed)
                        clamp(tb);
                    const double cost = std::abs(d) + 1e3 * overlap(ta, tb);
                    if (bestCost < 0 || cost < bestCost)
                        bestCost = cost, bestA = ta, bestB = tb;
                }
                a = bestA;
                b = bestB;
            }
        if (!any)
            break;
    }
    for (size_t s = 0; s < n; ++s) {
        if (subjects[s].fixed) {
            out[s].box = *subjects[s].fixed;
            continue;
        }
        const Box &b = boxes[s];
        out[s].box = {static_cast<float>((b.cx - b.hw) / W), static_cast<float>((b.cy - b.hh) / H),
                      static_cast<float>(2 * b.hw / W), static_cast<float>(2 * b.hh / H)};
    }
    return out;
}

std::vector<PlannedBox> planRequestLayout(const GenerationRequest &request, int width, int height,
                                          const std::vector<std::string> &extraNames)
{
    std::vector<LayoutSubject> subjects;
    for (size_t i = 0; i < request.subjects.size(); ++i) {
        const Subject &s = request.subjects[i];
        LayoutSubject l;
        l.keys = layoutKeys(i < extraNames.size() ? s.name + " " + extraNames[i] : s.name);
        if (s.box) {
            l.fixed = s.box;
        } else if (s.mask.width > 0 && s.mask.height > 0 &&
                   s.mask.values.size() == static_cast<size_t>(s.mask.width) * static_cast<size_t>(s.mask.height)) {
            // The mask's extent (> 0.5 inside); an empty mask is fixed as an empty box.
            int x0 = s.mask.width, y0 = s.mask.height, x1 = -1, y1 = -1;
            for (int y = 0; y < s.mask.height; ++y)
                for (int x = 0; x < s.mask.width; ++x)
                    if (s.mask.values[static_cast<size_t>(y) * static_cast<size_t>(s.mask.width) + static_cast<size_t>(x)] > 0.5f)
                        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
            const float w = static_cast<float>(s.mask.width), h = static_cast<float>(s.mask.height);
            l.fixed = x1 < 0 ? NormalizedBox{} : NormalizedBox{x0 / w, y0 / h, (x1 - x0 + 1) / w, (y1 - y0 + 1) / h};
        }
        subjects.push_back(std::move(l));
    }
    return planLayout(request.prompt, subjects, width, height);
}

std::vector<std::string> placementNotes(const GenerationRequest &req, float collage, int width, int height)
{
    std::vector<std::string> notes;
    auto unplaced = [&](size_t i) { return !req.subjects[i].box && req.subjects[i].mask.width <= 0; };
    auto who = [&](size_t i) {
        return "subject " + std::to_string(i + 1) + (req.subjects[i].name.empty() ? "" : " (" + req.subjects[i].name + ")");
    };
    bool blankPrompt = true;
    for (char c : req.prompt)
        blankPrompt = blankPrompt && std::isspace(static_cast<unsigned char>(c));
    std::string loose;
    for (size_t i = 0; i < req.subjects.size(); ++i)
        if (unplaced(i))
            loose += (loose.empty() ? "" : ", ") + who(i);
    if (blankPrompt && !loose.empty())
        notes.push_back("the prompt is empty and " + loose + " has no region: nothing tells the model where or "
                        "what to draw; describe the scene, or draw a box");
    if (collage > 0.0f && !req.autoLayout)
        for (size_t i = 0; i < req.subjects.size(); ++i)
            if (unplaced(i))
                notes.push_back(who(i) + " has no region (box or mask): the reference collage pastes it where its "
                                         "attention lands, which a small model places poorly (auto layout places it "
                                         "from the prompt)");
    if (req.autoLayout) {
        const auto planned = planRequestLayout(req, width, height);
        for (size_t i = 0; i < req.subjects.size(); ++i)
            if (unplaced(i))
                notes.push_back(who(i) + (planned[i].clause.empty()
                                              ? " is not placed by the prompt (no clause names it with left, right, "
                                                "middle, top or bottom); auto layout puts it where there is room"
                                              : " placed by \"" + planned[i].clause + "\""));
    }
    return notes;
}

} // namespace mosaic
