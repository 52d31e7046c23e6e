<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ui::LogDock</name>
    <message>
        <location filename="../ui/logdock.cpp" line="64"/>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location filename="../ui/logdock.cpp" line="65"/>
        <source>Open Log Folder</source>
        <translation>Protokollordner öffnen</translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="50"/>
        <source>LibTorch %1 · threads: %2 · %3</source>
        <translation>LibTorch %1 · Threads: %2 · %3</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="52"/>
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="52"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="74"/>
        <source>About MOSAIC Studio</source>
        <translation>Über MOSAIC Studio</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="75"/>
        <source>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Multi-subject personalized image generation.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Log file: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Personalisierte Bilderzeugung mit mehreren Motiven.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Protokolldatei: %3&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="91"/>
        <source>MOSAIC Studio %1</source>
        <translation>MOSAIC Studio %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="92"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="93"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="94"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="95"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="96"/>
        <source>&amp;About MOSAIC Studio</source>
        <translation>Ü&amp;ber MOSAIC Studio</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="97"/>
        <source>&lt;h2&gt;MOSAIC Studio&lt;/h2&gt;&lt;p&gt;Compose one image from several reference subjects, and see where each subject&apos;s attention landed.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Engine:&lt;/b&gt; %1&lt;/p&gt;</source>
        <translation>&lt;h2&gt;MOSAIC Studio&lt;/h2&gt;&lt;p&gt;Setzen Sie ein Bild aus mehreren Referenzmotiven zusammen und sehen Sie, wohin die Aufmerksamkeit jedes Motivs gefallen ist.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Engine:&lt;/b&gt; %1&lt;/p&gt;</translation>
    </message>
</context>
</TS>
