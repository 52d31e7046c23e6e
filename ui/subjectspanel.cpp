#include "subjectspanel.h"

#include "composition.h"
#include "teardown.h"

#include <QColorDialog>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace ui {

namespace {

QIcon cardIcon(const SubjectItem &s)
{
    QPixmap pm(76, 76);
    pm.fill(s.color);
    QPainter p(&pm);
    p.drawImage(QRect(4, 4, 68, 68), s.prepared.isNull() ? s.image : s.prepared);
    return QIcon(pm);
}

} // namespace

SubjectsPanel::SubjectsPanel(Composition *composition, QWidget *parent) : QWidget(parent), m_composition(composition)
{
    setObjectName(QStringLiteral("subjectsPanel"));
    setAcceptDrops(true);
    m_title = new QLabel(this);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("subjectsList"));
    m_list->setViewMode(QListView::ListMode);
    m_list->setIconSize(QSize(56, 56));
    m_list->setDragDropMode(QAbstractItemView::InternalMove);
    m_list->setDefaultDropAction(Qt::MoveAction);
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_list->setMinimumWidth(220);
    m_list->viewport()->installEventFilter(this);
    m_add = new QPushButton(this);
    m_add->setObjectName(QStringLiteral("addSubjectButton"));
    m_remove = new QPushButton(this);
    m_remove->setObjectName(QStringLiteral("removeSubjectButton"));
    m_color = new QPushButton(this);
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("preparedPreview"));
    m_preview->setFixedSize(128, 128);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->installEventFilter(this);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_wordLabel = new QLabel(this);
    m_word = new QLineEdit(this);
    m_word->setObjectName(QStringLiteral("subjectWord"));
    m_word->setClearButtonEnabled(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addWidget(m_color);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_preview, 0, Qt::AlignHCenter);
    auto *wordRow = new QHBoxLayout;
    wordRow->addWidget(m_wordLabel);
    wordRow->addWidget(m_word, 1);
    layout->addLayout(wordRow);
    layout->addWidget(m_hint);
    connect(m_word, &QLineEdit::editingFinished, this, [this] { m_composition->setWord(currentIndex(), m_word->text()); });
    connect(m_word, &QLineEdit::textChanged, this, &SubjectsPanel::checkWord);

    connect(m_add, &QPushButton::clicked, this, &SubjectsPanel::chooseFiles);
    connect(m_remove, &QPushButton::clicked, this, [this] { m_composition->removeSubject(currentIndex()); });
    connect(m_color, &QPushButton::clicked, this, &SubjectsPanel::chooseColor);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_rebuilding)
            return;
        updatePreview();
        Q_EMIT currentChanged(row);
    });
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        if (m_rebuilding)
            return;
        const int row = m_list->row(item);
        if (row >= 0 && row < m_composition->count() && item->text() != m_composition->subject(row).name) {
            const QString name = item->text();
            QTimer::singleShot(0, this, [this, row, name] { m_composition->renameSubject(row, name); });
        }
    });
    // A drag inside the list moved a row: the composition moves the subject (undoable) and the list
    // is rebuilt from it.
    connect(m_list->model(), &QAbstractItemModel::rowsMoved, this,
            [this](const QModelIndex &, int start, int, const QModelIndex &, int row) {
                if (m_rebuilding)
                    return;
                const int to = row > start ? row - 1 : row;
                QTimer::singleShot(0, this, [this, start, to] {
                    m_composition->moveSubject(start, to);
                    rebuild();
                    setCurrentIndex(to);
                });
            });
    connect(m_composition, &Composition::subjectsChanged, this, &SubjectsPanel::rebuild);
    connect(m_composition, &Composition::subjectChanged, this, &SubjectsPanel::refresh);
    retranslateUi();
    rebuild();
}

int SubjectsPanel::currentIndex() const
{
    return m_list->currentRow();
}

void SubjectsPanel::setCurrentIndex(int index)
{
    m_list->setCurrentRow(index);
}

void SubjectsPanel::rebuild()
{
    const int keep = m_list->currentRow();
    m_rebuilding = true;
    m_list->clear();
    for (const auto &s : m_composition->subjects()) {
        auto *item = new QListWidgetItem(cardIcon(s), s.name, m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable | Qt::ItemIsDragEnabled);
        item->setToolTip(s.sourcePath.isEmpty() ? s.name : s.sourcePath);
    }
    m_rebuilding = false;
    const int n = m_composition->count();
    m_list->setCurrentRow(n == 0 ? -1 : std::min(std::max(keep, 0), n - 1));
    if (keep >= n || keep < 0)
        m_list->setCurrentRow(n - 1);
    m_remove->setEnabled(n > 0);
    m_color->setEnabled(n > 0);
    m_add->setEnabled(n < Composition::kMaxSubjects);
    updatePreview();
    Q_EMIT currentChanged(m_list->currentRow());
}

void SubjectsPanel::refresh(int index)
{
    if (index < 0 || index >= m_list->count())
        return;
    m_rebuilding = true;
    const auto &s = m_composition->subject(index);
    m_list->item(index)->setText(s.name);
    m_list->item(index)->setIcon(cardIcon(s));
    m_rebuilding = false;
    updatePreview();
}

void SubjectsPanel::updatePreview()
{
    const int i = currentIndex();
    m_word->setEnabled(i >= 0 && i < m_composition->count());
    if (i < 0 || i >= m_composition->count()) {
        m_preview->setPixmap(QPixmap());
        m_preview->setText(tr("No subject"));
        m_word->clear();
        return;
    }
    if (m_word->text() != m_composition->subject(i).word)
        m_word->setText(m_composition->subject(i).word);
    m_preview->setPixmap(QPixmap::fromImage(m_composition->subject(i).prepared.scaled(
        m_preview->size() - QSize(4, 4), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    m_preview->setToolTip(tr("The reference as the model sees it: on white, cropped to the subject, centred."));
}

int SubjectsPanel::addFiles(const QStringList &paths)
{
    QStringList errors;
    int added = 0;
    for (const auto &path : paths) {
        QString error;
        if (m_composition->addSubjectFromFile(path, &error))
            ++added;
        else
            errors << error;
    }
    if (!errors.isEmpty())
        Q_EMIT errorOccurred(errors.join(QLatin1Char('\n')));
    if (added > 0)
        setCurrentIndex(m_composition->count() - 1);
    return added;
}

void SubjectsPanel::chooseFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add subjects"), QString(), tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)"));
    addFiles(files);
}

void SubjectsPanel::chooseColor()
{
    const int i = currentIndex();
    if (i < 0)
        return;
    const QColor c = QColorDialog::getColor(m_composition->subject(i).color, this, tr("Subject colour"));
    m_composition->recolorSubject(i, c);
}

void SubjectsPanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void SubjectsPanel::dropEvent(QDropEvent *event)
{
    const QMimeData *mime = event->mimeData();
    QStringList paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (!paths.isEmpty()) {
        addFiles(paths);
    } else if (mime->hasImage()) {
        QString error;
        if (!m_composition->addSubjectFromImage(qvariant_cast<QImage>(mime->imageData()), QString(), &error))
            Q_EMIT errorOccurred(error);
    }
    event->acceptProposedAction();
}

bool SubjectsPanel::eventFilter(QObject *watched, QEvent *event)
{
    // A click on the prepared preview picks the reference point of the next pin.
    if (watched == m_preview && event->type() == QEvent::MouseButtonPress && currentIndex() >= 0) {
        const QPointF pos = static_cast<QMouseEvent *>(event)->position();
        const QSizeF shown = m_preview->size() - QSize(4, 4);
        const QPointF p((pos.x() - 2) / shown.width(), (pos.y() - 2) / shown.height());
        if (p.x() >= 0 && p.x() <= 1 && p.y() >= 0 && p.y() <= 1)
            Q_EMIT referencePointPicked(p);
        return true;
    }
    // Files dropped onto the list from outside are added, not moved.
    if (watched == m_list->viewport() && (event->type() == QEvent::DragEnter || event->type() == QEvent::Drop)) {
        auto *drop = static_cast<QDropEvent *>(event);
        if (drop->source() == nullptr && drop->mimeData()->hasUrls()) {
            if (event->type() == QEvent::DragEnter)
                drop->acceptProposedAction();
            else
                dropEvent(drop);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void SubjectsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void SubjectsPanel::retranslateUi()
{
    m_title->setText(tr("<b>Subjects</b>"));
    m_add->setText(tr("Add…"));
    m_add->setToolTip(tr("Add reference images (or drop files here, or paste with Ctrl+V)"));
    m_remove->setText(tr("Remove"));
    m_color->setText(tr("Colour…"));
    m_hint->setText(tr("Double-click a name to rename; drag cards to reorder."));
    m_wordLabel->setText(tr("Word"));
    m_word->setPlaceholderText(m_example.isEmpty() ? tr("e.g. a cat") : tr("e.g. a %1").arg(m_example));
    checkWord();
    updatePreview();
}

void SubjectsPanel::setModelWords(std::function<QStringList(const QString &)> unknown, const QString &example)
{
    m_unknown = std::move(unknown);
    m_example = example;
    retranslateUi();
}

QString SubjectsPanel::wordProblem() const
{
    return m_wordProblem;
}

// Words the model does not know are said where they are typed, not only in the log.
void SubjectsPanel::checkWord()
{
    const QStringList unknown = m_unknown ? m_unknown(m_word->text()) : QStringList();
    m_wordProblem = unknown.isEmpty() ? QString()
                                      : tr("The model does not know: %1").arg(unknown.join(QStringLiteral(", ")));
    QPalette p = palette(); // the panel's: the theme's colours
    if (!unknown.isEmpty())
        p.setColor(QPalette::Text, QColor(0xc0, 0x20, 0x20));
    m_word->setPalette(p);
    m_word->setToolTip(m_wordProblem.isEmpty()
                           ? tr("What the model calls this subject. Where the prompt uses the subject's name, "
                                "the model is given this word instead.")
                           : m_wordProblem);
}

SubjectsPanel::~SubjectsPanel()
{
    disconnectIncoming(this);
}

} // namespace ui
