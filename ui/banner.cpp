#include "banner.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QToolButton>

namespace ui {

namespace {
constexpr int kVisibleLines = 4;
}

Banner::Banner(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("banner"));
    setFrameShape(QFrame::Box);
    setAutoFillBackground(true);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("bannerText"));
    m_label->setWordWrap(true);
    m_label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // Ignored vertically with a fixed height below: the strip takes its lines from the canvas, never
    // from the window (a taller minimum size made the window grow with every message, and the grown
    // size was remembered).
    m_label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Ignored);
    m_close = new QToolButton(this);
    m_close->setObjectName(QStringLiteral("bannerClose"));
    m_close->setAutoRaise(true);
    m_close->setText(QStringLiteral("×"));
    connect(m_close, &QToolButton::clicked, this, &Banner::dismiss);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setCursor(Qt::PointingHandCursor);
    changeEvent(nullptr);
    setVisible(false);
}

void Banner::showMessage(const QString &text, bool error, Topic topic)
{
    m_topic = topic;
    m_label->setText(text);
    setToolTip(text);
    // A palette, not a style sheet (style sheets and a later QApplication::setStyle do not mix).
    QPalette p = palette();
    p.setColor(QPalette::Window, error ? QColor(0xfd, 0xe2, 0xe1) : QColor(0xe3, 0xef, 0xfd));
    p.setColor(QPalette::WindowText, error ? QColor(0x7a, 0x17, 0x12) : QColor(0x12, 0x3f, 0x7a));
    p.setColor(QPalette::ButtonText, p.color(QPalette::WindowText));
    setPalette(p);
    // As many lines as the text needs at this width, up to kVisibleLines.
    const int width = std::max(200, (parentWidget() ? parentWidget()->width() : 600) - 48);
    const int lines = std::clamp(m_label->heightForWidth(width) / std::max(1, fontMetrics().lineSpacing()), 1,
                                 kVisibleLines);
    m_label->setFixedHeight(lines * fontMetrics().lineSpacing() + 2);
    setVisible(true);
}

void Banner::clear(Topic topic)
{
    if (isVisible() && m_topic == topic)
        dismiss();
}

void Banner::dismiss()
{
    setVisible(false);
    m_label->clear();
}

QString Banner::text() const
{
    return isHidden() ? QString() : m_label->text();
}

void Banner::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        dismiss();
    QFrame::mousePressEvent(event);
}

void Banner::changeEvent(QEvent *event)
{
    if (!event || event->type() == QEvent::LanguageChange) {
        m_close->setToolTip(tr("Dismiss"));
        m_close->setAccessibleName(tr("Dismiss the message"));
    }
    if (event)
        QFrame::changeEvent(event);
}

} // namespace ui
