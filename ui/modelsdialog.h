#pragma once
// Models…: the bundled model and the user's model sets (FLUX.1-dev folders, transformer files, ComfyUI
// models folders), each with its LoRAs and their strengths and a memory budget; what a set holds, what it
// lacks and how to fix it, the memory each mode needs and the time per image here, before it is loaded.
// The sets are remembered (QSettings "models/sets").

#include <mosaic/modelset.h>

#include <QDialog>
#include <QList>
#include <QPair>
#include <QString>

class QComboBox;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace ui {

struct ModelSetEntry
{
    QString path;                          // a folder or a transformer file; the bundled model: ""
    QList<QPair<QString, double>> loras;   // file, strength
    int maxMemoryMiB = 0;                  // 0: every weight resident (on the device below)
    QString device = QStringLiteral("auto"); // auto, cpu, cuda: where the transformer and autoencoder run
    bool bundled() const { return path.isEmpty(); }
    QString title() const;
    mosaic::ModelSetSpec spec() const;
    QString toJson() const;
    static ModelSetEntry fromJson(const QString &json);
    bool operator==(const ModelSetEntry &o) const { return path == o.path; }
};

// The remembered sets, in order.
QList<ModelSetEntry> rememberedModelSets();
void rememberModelSets(const QList<ModelSetEntry> &sets);

class ModelsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ModelsDialog(QWidget *parent = nullptr);
    // Adds (and selects) a folder or file; false with the reason shown when it cannot be read.
    bool addPath(const QString &path);
    bool addLora(const QString &path, double strength);
    void setMemoryBudgetMiB(int mib);
    // auto, cpu or cuda (offered only where LibTorch sees a GPU); false when not offered.
    bool setDevice(const QString &device);
    // The selected entry (the bundled model when nothing else is).
    ModelSetEntry selected() const;
    QString details() const; // what the details pane shows

private:
    void refresh();
    void showDetails();
    void store();
    QListWidget *m_list;
    QPlainTextEdit *m_details;
    QPushButton *m_addFolder, *m_addFile, *m_addLora, *m_remove, *m_load;
    QSpinBox *m_budget;
    QComboBox *m_device;
    QList<ModelSetEntry> m_sets; // [0] is the bundled model
};

} // namespace ui
