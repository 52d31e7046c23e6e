#include "modelsdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <mosaic/runtime.h>

namespace ui {

QString ModelSetEntry::title() const
{
    if (bundled())
        return QObject::tr("MOSAIC-Toys (bundled)");
    QString t = QFileInfo(path).fileName();
    for (const auto &l : loras)
        t += QStringLiteral(" + %1 ×%2").arg(QFileInfo(l.first).fileName()).arg(l.second);
    if (maxMemoryMiB > 0)
        t += QObject::tr(" · within %1 GiB").arg(maxMemoryMiB / 1024.0, 0, 'f', 1);
    if (device == QLatin1String("cpu"))
        t += QObject::tr(" · CPU");
    else if (device == QLatin1String("cuda"))
        t += QObject::tr(" · GPU");
    return t;
}

mosaic::ModelSetSpec ModelSetEntry::spec() const
{
    mosaic::ModelSetSpec s;
    s.model = bundled() ? mosaic::findDefaultModel() : path.toStdString();
    for (const auto &l : loras)
        s.loras.push_back({l.first.toStdString(), static_cast<float>(l.second)});
    s.maxMemory = static_cast<uint64_t>(maxMemoryMiB) << 20;
    // A set remembered on a machine with a GPU, used on one without: Automatic (the CPU), as the dialog
    // shows it, rather than a load that fails.
    s.device = device == QLatin1String("cuda") && !mosaic::cudaAvailable() ? std::string("auto") : device.toStdString();
    return s;
}

QString ModelSetEntry::toJson() const
{
    QJsonObject o{{QStringLiteral("path"), path},
                  {QStringLiteral("max_memory_mib"), maxMemoryMiB},
                  {QStringLiteral("device"), device}};
    QJsonArray l;
    for (const auto &e : loras)
        l.append(QJsonObject{{QStringLiteral("path"), e.first}, {QStringLiteral("strength"), e.second}});
    o.insert(QStringLiteral("loras"), l);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

ModelSetEntry ModelSetEntry::fromJson(const QString &json)
{
    ModelSetEntry e;
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object(); // a broken entry reads as empty
    e.path = o.value(QStringLiteral("path")).toString();
    e.maxMemoryMiB = qBound(0, o.value(QStringLiteral("max_memory_mib")).toInt(), 1 << 24);
    const QString device = o.value(QStringLiteral("device")).toString();
    if (device == QLatin1String("cpu") || device == QLatin1String("cuda"))
        e.device = device;
    for (const auto &v : o.value(QStringLiteral("loras")).toArray()) {
        const QJsonObject l = v.toObject();
        const QString p = l.value(QStringLiteral("path")).toString();
        if (!p.isEmpty())
            e.loras.append({p, l.value(QStringLiteral("strength")).toDouble(1.0)});
    }
    return e;
}

QList<ModelSetEntry> rememberedModelSets()
{
    QList<ModelSetEntry> out;
    for (const QString &s : QSettings().value(QStringLiteral("models/sets")).toStringList()) {
        const ModelSetEntry e = ModelSetEntry::fromJson(s);
        if (!e.path.isEmpty() && !out.contains(e))
            out.append(e);
    }
    return out;
}

void rememberModelSets(const QList<ModelSetEntry> &sets)
{
    QStringList list;
    for (const auto &e : sets)
        if (!e.bundled())
            list << e.toJson();
    QSettings().setValue(QStringLiteral("models/sets"), list);
}

ModelsDialog::ModelsDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Models"));
    auto *layout = new QVBoxLayout(this);
    auto *row = new QHBoxLayout;
    m_list = new QListWidget(this);
    m_list->setMinimumWidth(260);
    m_details = new QPlainTextEdit(this);
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_details->setMinimumSize(620, 380);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    row->addWidget(m_list, 1);
    row->addWidget(m_details, 2);
    layout->addLayout(row);
    auto *buttons = new QHBoxLayout;
    m_addFolder = new QPushButton(tr("Add folder…"), this);
    m_addFile = new QPushButton(tr("Add file…"), this);
    m_addLora = new QPushButton(tr("Add LoRA…"), this);
    m_remove = new QPushButton(tr("Remove"), this);
    m_budget = new QSpinBox(this);
    m_budget->setRange(0, 1 << 20);
    m_budget->setSingleStep(1024);
    m_budget->setSuffix(tr(" MiB"));
    m_budget->setSpecialValueText(tr("all weights resident"));
    m_budget->setToolTip(tr("Memory the transformer's weights may take; below their size, its blocks stream from "
                            "the file (the same image, slower)."));
    for (QWidget *w : {static_cast<QWidget *>(m_addFolder), static_cast<QWidget *>(m_addFile),
                       static_cast<QWidget *>(m_addLora), static_cast<QWidget *>(m_remove)})
        buttons->addWidget(w);
    buttons->addStretch();
    m_device = new QComboBox(this);
    m_device->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    if (mosaic::cudaAvailable())
        m_device->addItem(tr("GPU"), QStringLiteral("cuda"));
    m_device->setToolTip(mosaic::cudaAvailable()
                             ? tr("Where the transformer and the autoencoder run (Automatic: the GPU). The memory "
                                  "budget is then the GPU's; T5 and CLIP encode on the CPU.")
                             : tr("Where the transformer and the autoencoder run. This build of LibTorch sees no GPU, "
                                  "so Automatic is the CPU."));
    buttons->addWidget(new QLabel(tr("Device:"), this));
    buttons->addWidget(m_device);
    buttons->addWidget(new QLabel(tr("Memory budget:"), this));
    buttons->addWidget(m_budget);
    layout->addLayout(buttons);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_load = box->addButton(tr("Load"), QDialogButtonBox::AcceptRole);
    layout->addWidget(box);
    connect(box, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_sets.append(ModelSetEntry{});
    m_sets.append(rememberedModelSets());
    connect(m_list, &QListWidget::currentRowChanged, this, [this] { showDetails(); });
    connect(m_addFolder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("A FLUX.1 folder or a ComfyUI models folder"));
        if (!dir.isEmpty())
            addPath(dir);
    });
    connect(m_addFile, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("A FLUX transformer or a MOSAIC bundle"), QString(),
                                                          tr("Model files (*.safetensors *.sft *.json)"));
        if (!file.isEmpty())
            addPath(file);
    });
    connect(m_addLora, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("A LoRA"), QString(), tr("LoRA files (*.safetensors)"));
        if (file.isEmpty())
            return;
        bool ok = false;
        const double s = QInputDialog::getDouble(this, tr("LoRA strength"), tr("Strength:"), 1.0, -4.0, 4.0, 2, &ok);
        if (ok)
            addLora(file, s);
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const int i = m_list->currentRow();
        if (i <= 0 || i >= m_sets.size())
            return;
        m_sets.removeAt(i);
        store();
        refresh();
    });
    connect(m_budget, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) { setMemoryBudgetMiB(v); });
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int i) { setDevice(m_device->itemData(i).toString()); });
    refresh();
}

void ModelsDialog::refresh()
{
    const int row = qMax(0, m_list->currentRow());
    m_list->clear();
    for (const auto &e : m_sets)
        m_list->addItem(e.title());
    m_list->setCurrentRow(qMin(row, m_list->count() - 1));
    showDetails();
}

void ModelsDialog::store()
{
    rememberModelSets(m_sets);
}

bool ModelsDialog::addPath(const QString &path)
{
    ModelSetEntry e;
    e.path = path;
    mosaic::ModelSetReport report;
    const mosaic::Status st = mosaic::inspectModelSet(e.spec(), &report);
    if (!st.ok()) {
        m_details->setPlainText(tr("%1 cannot be used: %2").arg(path, QString::fromStdString(st.message)));
        return false;
    }
    int at = m_sets.indexOf(e);
    if (at < 0) {
        m_sets.append(e);
        at = m_sets.size() - 1;
    }
    store();
    refresh();
    m_list->setCurrentRow(at);
    return true;
}

bool ModelsDialog::addLora(const QString &path, double strength)
{
    const int i = m_list->currentRow();
    if (i < 0 || i >= m_sets.size())
        return false;
    m_sets[i].loras.append({path, strength});
    store();
    refresh();
    return true;
}

void ModelsDialog::setMemoryBudgetMiB(int mib)
{
    const int i = m_list->currentRow();
    if (i <= 0 || i >= m_sets.size() || m_sets[i].maxMemoryMiB == mib)
        return;
    m_sets[i].maxMemoryMiB = mib;
    store();
    m_list->item(i)->setText(m_sets[i].title());
    showDetails();
}

bool ModelsDialog::setDevice(const QString &device)
{
    const int i = m_list->currentRow();
    if (m_device->findData(device) < 0 || i <= 0 || i >= m_sets.size())
        return false;
    if (m_sets[i].device != device) {
        m_sets[i].device = device;
        store();
        m_list->item(i)->setText(m_sets[i].title());
        showDetails();
    }
    return true;
}

ModelSetEntry ModelsDialog::selected() const
{
    const int i = m_list->currentRow();
    return i >= 0 && i < m_sets.size() ? m_sets[i] : ModelSetEntry{};
}

QString ModelsDialog::details() const
{
    return m_details->toPlainText();
}

void ModelsDialog::showDetails()
{
    const ModelSetEntry e = selected();
    const QSignalBlocker block(m_budget), blockDevice(m_device);
    m_budget->setValue(e.maxMemoryMiB);
    m_budget->setEnabled(!e.bundled());
    // A set remembered on a GPU machine, opened on one without: shown as Automatic (the CPU) here.
    m_device->setCurrentIndex(std::max(0, m_device->findData(e.device)));
    m_device->setEnabled(!e.bundled());
    m_remove->setEnabled(!e.bundled());
    mosaic::ModelSetReport report;
    const mosaic::Status st = mosaic::inspectModelSet(e.spec(), &report);
    if (!st.ok()) {
        m_details->setPlainText(QString::fromStdString(st.message));
        m_load->setEnabled(false);
        return;
    }
    QString text = QString::fromStdString(report.text());
    if (e.bundled())
        text = tr("The bundled MOSAIC-Toys model: small, trained on toy scenes, runs on any CPU.\n\n") + text;
    m_details->setPlainText(text);
    m_load->setEnabled(report.complete);
}

} // namespace ui
