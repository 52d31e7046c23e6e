<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/project.cpp" line="182" />
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="187" />
        <source>Cannot write %1: %2 (the previous file, if any, is unchanged)</source>
        <translation>%1 kann nicht geschrieben werden: %2 (eine vorhandene Datei bleibt unverändert)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="198" />
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="202" />
        <source>%1 is larger than %2 MB; not a project this version writes</source>
        <translation>%1 ist größer als %2 MB; kein Projekt dieser Version</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="208" />
        <source>%1 is not a MOSAIC Studio project (JSON error at byte %2: %3)</source>
        <translation>%1 ist kein MOSAIC-Studio-Projekt (JSON-Fehler bei Byte %2: %3)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="214" />
        <source>%1 is not a MOSAIC Studio project of version 1</source>
        <translation>%1 ist kein MOSAIC-Studio-Projekt der Version 1</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="221" />
        <source>%1 has %2 subjects; at most %3 are supported</source>
        <translation>%1 hat %2 Motive; höchstens %3 werden unterstützt</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="232" />
        <source>%1: subject %2 is damaged (name, colour or image)</source>
        <translation>%1: Motiv %2 ist beschädigt (Name, Farbe oder Bild)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="238" />
        <source>%1: the brush region of subject %2 is damaged</source>
        <translation>%1: der gemalte Bereich von Motiv %2 ist beschädigt</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="245" />
        <source>%1: subject %2 has more than 256 points</source>
        <translation>%1: Motiv %2 hat mehr als 256 Punkte</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="251" />
        <source>%1: a point of subject %2 is damaged</source>
        <translation>%1: ein Punkt von Motiv %2 ist beschädigt</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="264" />
        <source>%1: result %2 is damaged (%3)</source>
        <translation>%1: Ergebnis %2 ist beschädigt (%3)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="343" />
        <source>%1 carries no MOSAIC Studio parameters</source>
        <translation>%1 enthält keine MOSAIC-Studio-Parameter</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="348" />
        <source>%1: its MOSAIC Studio parameters are damaged</source>
        <translation>%1: die MOSAIC-Studio-Parameter sind beschädigt</translation>
    </message>
</context>
<context>
    <name>ui::Canvas</name>
    <message>
        <location filename="../ui/canvas.cpp" line="166" />
        <source>Erase in the region of %1</source>
        <translation>Im Bereich von %1 radieren</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="167" />
        <source>Paint the region of %1</source>
        <translation>Bereich von %1 malen</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="179" />
        <source>Draw the region of %1</source>
        <translation>Bereich von %1 zeichnen</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="180" />
        <source>Move the region of %1</source>
        <translation>Bereich von %1 verschieben</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="181" />
        <source>Resize the region of %1</source>
        <translation>Größe des Bereichs von %1 ändern</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="296" />
        <source>Add subjects on the left, then drag here to place the selected one.</source>
        <translation>Links Motive hinzufügen, dann hier ziehen, um das ausgewählte zu platzieren.</translation>
    </message>
</context>
<context>
    <name>ui::Composition</name>
    <message>
        <location filename="../ui/composition.cpp" line="77" />
        <source>A composition holds at most %1 subjects.</source>
        <translation>Eine Komposition fasst höchstens %1 Motive.</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="82" />
        <source>The image is empty or smaller than 8×8 pixels.</source>
        <translation>Das Bild ist leer oder kleiner als 8×8 Pixel.</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="86" />
        <source>Subject %1</source>
        <translation>Motiv %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="100" />
        <source>Add subject %1</source>
        <translation>Motiv %1 hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="110" />
        <source>Remove subject %1</source>
        <translation>Motiv %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="120" />
        <source>Rename %1 to %2</source>
        <translation>%1 in %2 umbenennen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="131" />
        <source>Change the colour of %1</source>
        <translation>Farbe von %1 ändern</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="140" />
        <source>Move %1</source>
        <translation>%1 verschieben</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="150" />
        <source>Remove the region of %1</source>
        <translation>Bereich von %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="151" />
        <source>Set the region of %1</source>
        <translation>Bereich von %1 festlegen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="176" />
        <source>Clear the brush region of %1</source>
        <translation>Gemalten Bereich von %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="177" />
        <source>Paint the region of %1</source>
        <translation>Bereich von %1 malen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="189" />
        <source>Pin a point of %1</source>
        <translation>Punkt von %1 festlegen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="199" />
        <source>Remove the points of %1</source>
        <translation>Punkte von %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="219" />
        <source>Auto layout</source>
        <translation>Automatisch anordnen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="230" />
        <source>Change settings</source>
        <translation>Einstellungen ändern</translation>
    </message>
</context>
<context>
    <name>ui::Gallery</name>
    <message>
        <location filename="../ui/gallery.cpp" line="126" />
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="226" />
        <source>Results appear here. Press Ctrl+Enter to generate.</source>
        <translation>Hier erscheinen die Ergebnisse. Strg+Eingabe erzeugt ein Bild.</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="272" />
        <source>#%1 · %2 · seed %3</source>
        <translation>#%1 · %2 · Seed %3</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="273" />
        <source>%1 × %2 px in %3 s</source>
        <translation>%1 × %2 px in %3 s</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="277" />
        <source>%1: %2 % of its attention in its region</source>
        <translation>%1: %2 % seiner Aufmerksamkeit im eigenen Bereich</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="298" />
        <source>Save image</source>
        <translation>Bild speichern</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="298" />
        <source>mosaic-%1.png</source>
        <translation>mosaic-%1.png</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="299" />
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="334" />
        <source>&lt;b&gt;Attention overlays&lt;/b&gt;</source>
        <translation>&lt;b&gt;Aufmerksamkeitskarten&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="335" />
        <source>Overlay opacity</source>
        <translation>Deckkraft der Überlagerung</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="336" />
        <source>Ownership map</source>
        <translation>Zuordnungskarte</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="337" />
        <source>Beside the references</source>
        <translation>Neben den Referenzen</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="338" />
        <source>Save as PNG…</source>
        <translation>Als PNG speichern…</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="339" />
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="340" />
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="341" />
        <source>Reuse these settings</source>
        <translation>Diese Einstellungen übernehmen</translation>
    </message>
</context>
<context>
    <name>ui::GenerationWorker</name>
    <message>
        <location filename="../ui/worker.cpp" line="52" />
        <source>%1 · %2 px · %3 steps · up to %4 subjects</source>
        <translation>%1 · %2 px · %3 Schritte · bis zu %4 Motive</translation>
    </message>
    <message>
        <location filename="../ui/worker.cpp" line="64" />
        <source>No model is loaded.</source>
        <translation>Kein Modell geladen.</translation>
    </message>
</context>
<context>
    <name>ui::LogDock</name>
    <message>
        <location filename="../ui/logdock.cpp" line="64" />
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location filename="../ui/logdock.cpp" line="65" />
        <source>Open Log Folder</source>
        <translation>Protokollordner öffnen</translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="175" />
        <source>The model %1 could not be loaded: %2</source>
        <translation>Das Modell %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="189" />
        <source>step %1/%2 · %3 s</source>
        <translation>Schritt %1/%2 · %3 s</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="203" />
        <source>last image: %1 s (denoise %2 s)</source>
        <translation>letztes Bild: %1 s (Entrauschen %2 s)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="209" />
        <source>The generation failed: %1</source>
        <translation>Die Erzeugung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="212" />
        <source>Generation cancelled.</source>
        <translation>Erzeugung abgebrochen.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="245" />
        <source>LibTorch %1 · threads: %2 · %3</source>
        <translation>LibTorch %1 · Threads: %2 · %3</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="247" />
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="247" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="418" />
        <source>The bundled model was not found (looked in %1). Load a model with File › Load model….</source>
        <translation>Das mitgelieferte Modell wurde nicht gefunden (gesucht in %1). Laden Sie ein Modell über Datei › Modell laden….</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="423" />
        <source>Loading %1…</source>
        <translation>Lade %1…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="429" />
        <source>Load a model bundle</source>
        <translation>Modellpaket laden</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="430" />
        <source>MOSAIC Studio bundles (*.safetensors)</source>
        <translation>MOSAIC-Studio-Modellpakete (*.safetensors)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="446" />
        <source>Cannot open the demo %1: %2</source>
        <translation>Die Demo %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="452" />
        <source>The demo %1 is not valid JSON: %2</source>
        <translation>Die Demo %1 ist kein gültiges JSON: %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="488" />
        <source>No model is loaded yet.</source>
        <translation>Noch ist kein Modell geladen.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="574" />
        <source>No translation for %1 is built into this program.</source>
        <translation>Für %1 ist keine Übersetzung in dieses Programm eingebaut.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="675" />
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="675" />
        <source>No model loaded</source>
        <translation>Kein Modell geladen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="677" />
        <source>The bundled MOSAIC-Toys model is small and trained on procedural toys: it makes toy scenes, not photographs. Load FLUX-architecture bundles with File › Load model….</source>
        <translation>Das mitgelieferte MOSAIC-Toys-Modell ist klein und auf prozedurale Spielzeuge trainiert: Es erzeugt Spielzeugszenen, keine Fotos. FLUX-Modellpakete laden Sie über Datei › Modell laden….</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="680" />
        <source>untitled</source>
        <translation>unbenannt</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="681" />
        <source>%1%2 — MOSAIC Studio %3</source>
        <translation>%1%2 — MOSAIC Studio %3</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="687" />
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="701" />
        <source>About MOSAIC Studio</source>
        <translation>Über MOSAIC Studio</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="702" />
        <source>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Multi-subject personalized image generation.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Log file: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Personalisierte Bilderzeugung mit mehreren Motiven.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Protokolldatei: %3&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="713" />
        <source>Unsaved work</source>
        <translation>Ungespeicherte Arbeit</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="714" />
        <source>The composition has unsaved changes. Save them before closing?</source>
        <translation>Die Komposition hat ungespeicherte Änderungen. Vor dem Schließen speichern?</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="797" />
        <source>%1 does not exist</source>
        <translation>%1 existiert nicht</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="824" />
        <source>Save project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="824" />
        <source>untitled.mosaic</source>
        <translation>unbenannt.mosaic</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="825" />
        <location filename="../ui/mainwindow.cpp" line="839" />
        <source>MOSAIC Studio projects (*.mosaic)</source>
        <translation>MOSAIC-Studio-Projekte (*.mosaic)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="838" />
        <source>Open project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="876" />
        <source>Restore settings from %1</source>
        <translation>Einstellungen aus %1 übernehmen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="881" />
        <source>Settings restored from %1 (the references are not stored in images; the current subjects keep their places in order).</source>
        <translation>Einstellungen aus %1 übernommen (Bilder enthalten keine Referenzen; die aktuellen Motive behalten ihre Reihenfolge).</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="941" />
        <source>&amp;Box tool</source>
        <translation>&amp;Rechteck-Werkzeug</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="942" />
        <source>B&amp;rush tool</source>
        <translation>&amp;Pinsel</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="943" />
        <source>&amp;Eraser tool</source>
        <translation>Radier&amp;gummi</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="944" />
        <source>&amp;Point tool</source>
        <translation>P&amp;unkt-Werkzeug</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="949" />
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="950" />
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="954" />
        <source>Compose</source>
        <translation>Komponieren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="955" />
        <source>Gallery</source>
        <translation>Galerie</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="956" />
        <source>&lt;b&gt;Prompt&lt;/b&gt; (name subjects by their card names)</source>
        <translation>&lt;b&gt;Prompt&lt;/b&gt; (Motive mit ihren Kartennamen nennen)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="957" />
        <source>e.g. three toys on the beach: a blob on the left, …</source>
        <translation>z. B. three toys on the beach: a blob on the left, …</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="958" />
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="959" />
        <source>Lock</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="960" />
        <source>Unlocked, every generation draws a new seed</source>
        <translation>Ungesperrt zieht jede Erzeugung einen neuen Seed</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="961" />
        <source>Random</source>
        <translation>Zufall</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="962" />
        <source>Draw a random seed</source>
        <translation>Einen zufälligen Seed ziehen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="963" />
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="964" />
        <location filename="../ui/mainwindow.cpp" line="966" />
        <location filename="../ui/mainwindow.cpp" line="972" />
        <source>model default</source>
        <translation>Modellvorgabe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="965" />
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="967" />
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="974" />
        <source>%1 × %1 px</source>
        <translation>%1 × %1 px</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="978" />
        <source>Region strength</source>
        <translation>Bereichsstärke</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="979" />
        <source>How strongly each subject's attention is steered into its drawn region (0: off)</source>
        <translation>Wie stark die Aufmerksamkeit jedes Motivs in seinen Bereich gelenkt wird (0: aus)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="980" />
        <source>While busy</source>
        <translation>Während der Arbeit</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="981" />
        <source>queue the new request</source>
        <translation>neue Anfrage einreihen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="982" />
        <source>replace the running one</source>
        <translation>laufende ersetzen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="983" />
        <source>Auto layout</source>
        <translation>Automatisch anordnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="984" />
        <source>Generate (Ctrl+Enter)</source>
        <translation>Erzeugen (Strg+Eingabe)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="985" />
        <source>Cancel (Esc)</source>
        <translation>Abbrechen (Esc)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="986" />
        <source>&lt;b&gt;Model&lt;/b&gt;</source>
        <translation>&lt;b&gt;Modell&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="988" />
        <source>none loaded</source>
        <translation>keines geladen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="989" />
        <source>Load model…</source>
        <translation>Modell laden…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="929" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="148" />
        <source>Reference point (%1, %2) picked: click the canvas to pin where it goes.</source>
        <translation>Referenzpunkt (%1, %2) gewählt: Klicken Sie auf die Leinwand, um festzulegen, wohin er gehört.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="688" />
        <source>&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Generate&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Cancel the generation&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Z / Ctrl+Shift+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Undo / redo&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Paste an image or files as subjects&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Box, brush, eraser, point tool&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Remove the selected region&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+wheel&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Zoom the canvas&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;F1&lt;/b&gt;&lt;/td&gt;&lt;td&gt;This sheet&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+Eingabe&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Erzeugen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Erzeugung abbrechen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+Z / Strg+Umschalt+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Rückgängig / Wiederholen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Bild oder Dateien als Motive einfügen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Rechteck, Pinsel, Radiergummi, Punkt&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Entf&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Ausgewählten Bereich entfernen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+Mausrad&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Leinwand zoomen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;F1&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Diese Übersicht&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="930" />
        <source>&amp;New composition</source>
        <translation>&amp;Neue Komposition</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="931" />
        <source>&amp;Open project…</source>
        <translation>Projekt ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="932" />
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="933" />
        <source>&amp;Save project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="934" />
        <source>Save project &amp;as…</source>
        <translation>Projekt speichern &amp;unter…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="935" />
        <source>Open the &amp;demo composition</source>
        <translation>&amp;Demo-Komposition öffnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="936" />
        <source>&amp;Load model…</source>
        <translation>Modell &amp;laden…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="937" />
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="938" />
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="939" />
        <source>&amp;Paste subject</source>
        <translation>Motiv &amp;einfügen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="940" />
        <source>&amp;Auto layout</source>
        <translation>&amp;Automatisch anordnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="945" />
        <source>&amp;Generate</source>
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="946" />
        <source>&amp;Cancel generation</source>
        <translation>Erzeugung &amp;abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="947" />
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="948" />
        <source>&amp;Dark theme</source>
        <translation>&amp;Dunkles Design</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="951" />
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="952" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="953" />
        <source>&amp;About MOSAIC Studio</source>
        <translation>Ü&amp;ber MOSAIC Studio</translation>
    </message>
</context>
<context>
    <name>ui::SubjectsPanel</name>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="161" />
        <source>No subject</source>
        <translation>Kein Motiv</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="166" />
        <source>The reference as the model sees it: on white, cropped to the subject, centred.</source>
        <translation>Die Referenz, wie das Modell sie sieht: auf Weiß, auf das Motiv zugeschnitten, zentriert.</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="190" />
        <source>Add subjects</source>
        <translation>Motive hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="190" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="199" />
        <source>Subject colour</source>
        <translation>Farbe des Motivs</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="260" />
        <source>&lt;b&gt;Subjects&lt;/b&gt;</source>
        <translation>&lt;b&gt;Motive&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="261" />
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="262" />
        <source>Add reference images (or drop files here, or paste with Ctrl+V)</source>
        <translation>Referenzbilder hinzufügen (oder Dateien hier ablegen oder mit Strg+V einfügen)</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="263" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="264" />
        <source>Colour…</source>
        <translation>Farbe…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="265" />
        <source>Double-click a name to rename; drag cards to reorder.</source>
        <translation>Doppelklick auf einen Namen benennt um; Karten ziehen ordnet neu.</translation>
    </message>
</context>
</TS>