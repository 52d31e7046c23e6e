#pragma once
// The reference collage's control: a strength from 0.05 to 0.95, with "off" at 0 and the model's default
// one step below (its value -0.05 stands for -1 in the settings).

#include <QDoubleSpinBox>
#include <QSignalBlocker>

namespace ui {

class CollageSpinBox : public QDoubleSpinBox
{
public:
    explicit CollageSpinBox(QWidget *parent = nullptr) : QDoubleSpinBox(parent)
    {
        setRange(-0.05, 0.95);
        setSingleStep(0.05);
        setDecimals(2);
        setValue(minimum());
        // Typed values commit on Enter or leaving the field: "0.3" passes through 0, which the
        // settings' round trip would otherwise show as "off" under the cursor.
        setKeyboardTracking(false);
    }
    void setTexts(const QString &modelDefault, const QString &off)
    {
        m_default = modelDefault;
        m_off = off;
        // Re-render the current value in the new language (the value itself does not change).
        const QSignalBlocker blocker(this);
        const double v = value();
        setValue(v + 0.05 <= maximum() ? v + 0.05 : v - 0.05);
        setValue(v);
    }

protected:
    QString textFromValue(double v) const override
    {
        if (v < -0.025)
            return m_default;
        if (v < 0.025)
            return m_off;
        return QDoubleSpinBox::textFromValue(v);
    }
    double valueFromText(const QString &text) const override
    {
        if (text == m_default)
            return minimum();
        if (text == m_off)
            return 0.0;
        return QDoubleSpinBox::valueFromText(text);
    }
    QValidator::State validate(QString &text, int &pos) const override
    {
        if (text == m_default || text == m_off)
            return QValidator::Acceptable;
        if (m_default.startsWith(text) || m_off.startsWith(text))
            return QValidator::Intermediate;
        return QDoubleSpinBox::validate(text, pos);
    }

private:
    QString m_default, m_off;
};

} // namespace ui
