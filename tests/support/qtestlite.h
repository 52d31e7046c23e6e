#pragma once
// A minimal stand-in for the parts of QtTest the core suites use, for builds without Qt.
// Output ends with the same "Totals: N passed, N failed, N skipped" line as QtTest.

#include <any>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

class QObject
{
public:
    virtual ~QObject() = default;
};

namespace qtestlite {

template <class T> struct Registry;

struct Failure
{
    std::string message;
};
struct Skip
{
    std::string message;
};

struct Table
{
    std::vector<std::string> columns;
    std::vector<std::pair<std::string, std::vector<std::any>>> rows;
    const std::vector<std::any> *current = nullptr;
};

inline Table &table()
{
    static Table t;
    return t;
}

class RowBuilder
{
public:
    explicit RowBuilder(std::vector<std::any> *row) : m_row(row) {}
    template <typename T> RowBuilder &operator<<(const T &v)
    {
        if constexpr (std::is_array_v<T>)
            m_row->emplace_back(static_cast<const std::remove_extent_t<T> *>(v));
        else
            m_row->emplace_back(v);
        return *this;
    }

private:
    std::vector<std::any> *m_row;
};

template <typename T> T fetch(const char *name, const char *file, int line)
{
    auto &t = table();
    for (size_t i = 0; i < t.columns.size(); ++i)
        if (t.columns[i] == name) {
            if (!t.current || i >= t.current->size())
                throw Failure{std::string("QFETCH: the row has no value for ") + name};
            try {
                return std::any_cast<T>((*t.current)[i]);
            } catch (const std::bad_any_cast &) {
                // Allow the QString-less equivalents of Qt's implicit conversions.
                if constexpr (std::is_same_v<T, std::string>)
                    return std::string(std::any_cast<const char *>((*t.current)[i]));
                throw Failure{std::string("QFETCH: wrong type for column ") + name + " at " + file + ":" +
                              std::to_string(line)};
            }
        }
    throw Failure{std::string("QFETCH: no column named ") + name};
}

template <typename T> std::string show(const T &v)
{
    if constexpr (std::is_same_v<T, bool>)
        return v ? "true" : "false";
    else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) {
        std::ostringstream s;
        s.precision(10);
        s << v;
        return s.str();
    } else if constexpr (std::is_convertible_v<T, const char *>)
        return std::string(static_cast<const char *>(v));
    else
        return "<value>";
}

template <typename A, typename B> void compare(const A &a, const B &b, const char *as, const char *bs, const char *file, int line)
{
    bool equal;
    if constexpr (std::is_convertible_v<A, const char *> && std::is_convertible_v<B, const char *>)
        equal = std::strcmp(a, b) == 0;
    else
        equal = (a == b);
    if (!equal)
        throw Failure{std::string("Compared values are not the same\n   Actual   (") + as + "): " + show(a) +
                      "\n   Expected (" + bs + "): " + show(b) + "\n   Loc: [" + file + "(" + std::to_string(line) + ")]"};
}

template <class C> struct Entry
{
    const char *name;
    void (C::*fn)();
    void (C::*data)();
};

template <class C> int runAll(C &obj, const char *className, const std::vector<Entry<C>> &entries)
{
    int passed = 0, failed = 0, skipped = 0;
    std::printf("********* Start testing of %s (qtestlite) *********\n", className);
    for (const auto &e : entries) {
        auto &t = table();
        t = Table{};
        std::vector<std::pair<std::string, std::vector<std::any>>> rows;
        if (e.data) {
            try {
                (obj.*e.data)();
            } catch (const Failure &f) {
                std::printf("FAIL!  : %s::%s() data: %s\n", className, e.name, f.message.c_str());
                ++failed;
                continue;
            }
            rows = table().rows;
        } else {
            rows.push_back({"", {}});
        }
        for (const auto &row : rows) {
            table().current = &row.second;
            const std::string label = std::string(className) + "::" + e.name + "(" + row.first + ")";
            try {
                (obj.*e.fn)();
                std::printf("PASS   : %s\n", label.c_str());
                ++passed;
            } catch (const Skip &s) {
                std::printf("SKIP   : %s %s\n", label.c_str(), s.message.c_str());
                ++skipped;
                if (std::strcmp(e.name, "initTestCase") == 0) { // as QtTest: skips the whole suite
                    std::printf("Totals: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
                    return 0;
                }
            } catch (const Failure &f) {
                std::printf("FAIL!  : %s %s\n", label.c_str(), f.message.c_str());
                ++failed;
            } catch (const std::exception &x) {
                std::printf("FAIL!  : %s Caught unhandled exception: %s\n", label.c_str(), x.what());
                ++failed;
            }
        }
    }
    std::printf("Totals: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    std::printf("********* Finished testing of %s *********\n", className);
    return failed == 0 ? 0 : 1;
}

} // namespace qtestlite

namespace QTest {
template <typename T> void addColumn(const char *name)
{
    qtestlite::table().columns.push_back(name);
}
inline qtestlite::RowBuilder newRow(const char *name)
{
    auto &rows = qtestlite::table().rows;
    rows.push_back({name, {}});
    return qtestlite::RowBuilder(&rows.back().second);
}
} // namespace QTest

#define Q_OBJECT                                                                                                       \
    template <class> friend struct qtestlite::Registry;
#define Q_SLOTS
#define QVERIFY(cond)                                                                                                  \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            throw qtestlite::Failure{std::string("'" #cond "' returned FALSE. Loc: [") + __FILE__ + "(" +             \
                                     std::to_string(__LINE__) + ")]"};                                                 \
    } while (0)
#define QVERIFY2(cond, msg)                                                                                            \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            throw qtestlite::Failure{std::string("'" #cond "' returned FALSE. (") + (msg) + ") Loc: [" + __FILE__ +   \
                                     "(" + std::to_string(__LINE__) + ")]"};                                           \
    } while (0)
#define QCOMPARE(a, b) qtestlite::compare((a), (b), #a, #b, __FILE__, __LINE__)
// As Qt Test's: fails unless `expr` throws `type` (another exception, or none, fails).
#define QVERIFY_EXCEPTION_THROWN(expr, type)                                                                           \
    do {                                                                                                               \
        int outcome_ = 0; /* 0: nothing thrown, 1: type, 2: another exception */                                      \
        try {                                                                                                          \
            expr;                                                                                                      \
        } catch (const type &) {                                                                                       \
            outcome_ = 1;                                                                                              \
        } catch (...) {                                                                                                \
            outcome_ = 2;                                                                                              \
        }                                                                                                              \
        if (outcome_ != 1)                                                                                             \
            throw qtestlite::Failure{std::string("Expected exception of type " #type " to be thrown, but ") +         \
                                     (outcome_ == 0 ? "no exception was thrown" : "another one was") + ". Loc: [" +   \
                                     __FILE__ + "(" + std::to_string(__LINE__) + ")]"};                                \
    } while (0)
#define QFAIL(msg) throw qtestlite::Failure{std::string(msg)}
#define QSKIP(msg) throw qtestlite::Skip{std::string(msg)}
// Figures that suites print (format strings are literals, as with Qt's qInfo).
#define qInfo(...) (std::printf("QINFO  : " __VA_ARGS__), std::printf("\n"))
#define qWarning(...) (std::printf("QWARN  : " __VA_ARGS__), std::printf("\n"))
#ifndef Q_UNUSED
#define Q_UNUSED(x) (void)(x)
#endif
#define QFETCH(Type, name) Type name = qtestlite::fetch<Type>(#name, __FILE__, __LINE__)

#define MT_FN(fn) {#fn, &Self::fn, nullptr},
#define MT_DATA(fn) {#fn, &Self::fn, &Self::fn##_data},
#define MOSAIC_TEST_MAIN(Class, list)                                                                                  \
    template <> struct qtestlite::Registry<Class>                                                                      \
    {                                                                                                                  \
        using Self = Class;                                                                                            \
        static int run()                                                                                               \
        {                                                                                                              \
            Class obj;                                                                                                 \
            return qtestlite::runAll<Class>(obj, #Class, {list});                                                      \
        }                                                                                                              \
    };                                                                                                                 \
    int main()                                                                                                         \
    {                                                                                                                  \
        std::setvbuf(stdout, nullptr, _IOLBF, 0); /* a crash loses no line already printed */                          \
        return qtestlite::Registry<Class>::run();                                                                      \
    }
