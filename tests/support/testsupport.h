#pragma once
// Test suites are Qt Test classes. Where Qt is absent (the LibTorch-only build on a GPU machine),
// qtestlite.h provides the subset of QtTest they use; MOSAIC_TEST_MAIN then needs the list of test
// functions in order, because there is no moc to enumerate the slots:
//   MOSAIC_TEST_MAIN(TstFoo, MT_FN(initTestCase) MT_DATA(parses) MT_FN(rejects)) // MT_DATA: has parses_data()
#ifdef MOSAIC_QTEST_LITE
#include "qtestlite.h"
#else
#include <QtTest>
#define MOSAIC_TEST_MAIN(Class, list) QTEST_APPLESS_MAIN(Class)
#endif

#include <string>

namespace testsupport {

// The golden fixtures: $MOSAIC_GOLDEN_DIR, else ../shared/golden beside the checkout.
std::string goldenDir();
// A fresh empty folder for one test function; removed by the next call with the same name and when
// the test process exits normally (MOSAIC_KEEP_TEST_DIRS=1 keeps it).
std::string scratchDir(const std::string &name);

} // namespace testsupport
