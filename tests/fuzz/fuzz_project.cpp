// A `.mosaic` project file (ui/project.cpp) and a PNG's settings (the drop and File > Open path).
#include "fuzz_support.h"

#include "project.h"

#include <QCoreApplication>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_project", *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv); // QObject::tr and the image plugins want one
    const std::string path = fuzz::writeFile("input.mosaic", data, size);
    ui::ProjectContent content;
    QString error;
    ui::loadProject(QString::fromStdString(path), &content, &error);
    ui::Settings settings;
    QVector<QRectF> boxes;
    ui::settingsFromPng(QString::fromStdString(fuzz::writeFile("input.png", data, size)), &settings, &boxes, &error);
    return 0;
}
