<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/project.cpp" line="198" />
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="203" />
        <source>Cannot write %1: %2 (the previous file, if any, is unchanged)</source>
        <translation>%1 kann nicht geschrieben werden: %2 (eine vorhandene Datei bleibt unverändert)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="227" />
        <source>its images are larger than a project may hold: %1 megapixels each, %2 in all</source>
        <translation>seine Bilder sind größer, als ein Projekt fassen darf: %1 Megapixel je Bild, %2 insgesamt</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="271" />
        <source>its images are larger than a project may hold</source>
        <translation>seine Bilder sind größer, als ein Projekt fassen darf</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="289" />
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="293" />
        <source>%1 is larger than %2 MB; not a project this version writes</source>
        <translation>%1 ist größer als %2 MB; kein Projekt dieser Version</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="299" />
        <source>%1 is not a MOSAIC Studio project (JSON error at byte %2: %3)</source>
        <translation>%1 ist kein MOSAIC-Studio-Projekt (JSON-Fehler bei Byte %2: %3)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="306" />
        <source>%1 is not a MOSAIC Studio project of version 1 to %2</source>
        <translation>%1 ist kein MOSAIC-Studio-Projekt der Versionen 1 bis %2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="312" />
        <source>%1: its settings are damaged (%2)</source>
        <translation>%1: die Einstellungen sind beschädigt (%2)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="391" />
        <source>%1: its MOSAIC Studio parameters are damaged (%2)</source>
        <translation>%1: die MOSAIC-Studio-Parameter sind beschädigt (%2)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="317" />
        <source>%1 has %2 subjects; at most %3 are supported</source>
        <translation>%1 hat %2 Motive; höchstens %3 werden unterstützt</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="329" />
        <source>%1: subject %2 is damaged (name, colour or image)</source>
        <translation>%1: Motiv %2 ist beschädigt (Name, Farbe oder Bild)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="335" />
        <source>%1: the brush region of subject %2 is damaged</source>
        <translation>%1: der gemalte Bereich von Motiv %2 ist beschädigt</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="342" />
        <source>%1: subject %2 has more than 256 points</source>
        <translation>%1: Motiv %2 hat mehr als 256 Punkte</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="348" />
        <source>%1: a point of subject %2 is damaged</source>
        <translation>%1: ein Punkt von Motiv %2 ist beschädigt</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="359" />
        <source>%1 holds %2 results; a project holds at most %3</source>
        <translation>%1 enthält %2 Ergebnisse; ein Projekt fasst höchstens %3</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="366" />
        <source>%1: result %2 is damaged (%3)</source>
        <translation>%1: Ergebnis %2 ist beschädigt (%3)</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="385" />
        <source>%1 carries no MOSAIC Studio parameters</source>
        <translation>%1 enthält keine MOSAIC-Studio-Parameter</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="45" />
        <source>Cannot copy %1 to %2</source>
        <translation>%1 kann nicht nach %2 kopiert werden</translation>
    </message>
    <message>
        <location filename="../ui/resultstore.cpp" line="40" />
        <location filename="../ui/resultstore.cpp" line="186" />
        <source>Cannot read the result kept in %1: %2</source>
        <translation>Das in %1 abgelegte Ergebnis kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/resultstore.cpp" line="47" />
        <source>The result kept in %1 is damaged (%2)</source>
        <translation>Das in %1 abgelegte Ergebnis ist beschädigt (%2)</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="28" />
        <source>MOSAIC-Toys (bundled)</source>
        <translation>MOSAIC-Toys (mitgeliefert)</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="33" />
        <source> · within %1 GiB</source>
        <translation> · innerhalb von %1 GiB</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="35" />
        <source> · CPU</source>
        <translation> · CPU</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="37" />
        <source> · GPU</source>
        <translation> · GPU</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/studio/main.cpp" line="32" />
        <source>Multi-subject personalized image generation</source>
        <translation>Personalisierte Bilderzeugung mit mehreren Motiven</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="35" />
        <source>LibTorch threads (default: all cores).</source>
        <translation>LibTorch-Threads (Standard: alle Kerne).</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="38" />
        <source>Open the prepared demo composition (bundled subjects, prompt and regions): one click generates.</source>
        <translation>Die vorbereitete Demo-Komposition öffnen (mitgelieferte Motive, Prompt und Bereiche): ein Klick erzeugt.</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="41" />
        <source>A model bundle to load instead of the bundled one.</source>
        <translation>Ein Modellpaket, das statt des mitgelieferten geladen wird.</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="44" />
        <source>Benchmark: generate RUNS times from the demo composition (or the given project) and print the longest event-loop stall of each run, then quit. Runs without a display with QT_QPA_PLATFORM=offscreen.</source>
        <translation>Benchmark: RUNS-mal aus der Demo-Komposition (oder dem angegebenen Projekt) erzeugen, für jeden Lauf die längste Blockade der Ereignisschleife ausgeben und beenden. Läuft ohne Bildschirm mit QT_QPA_PLATFORM=offscreen.</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="50" />
        <source>Open a correspondence dataset folder in Annotate mode.</source>
        <translation>Einen Korrespondenz-Datensatz im Annotationsmodus öffnen.</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="53" />
        <source>Projects (.mosaic) to open, or images to add as subjects.</source>
        <translation>Zu öffnende Projekte (.mosaic) oder Bilder, die als Motive hinzugefügt werden.</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="141" />
        <source>Recover unsaved work?</source>
        <translation>Ungespeicherte Arbeit wiederherstellen?</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="142" />
        <source>MOSAIC Studio did not close normally last time. Recover the composition and results from the last autosave?</source>
        <translation>MOSAIC Studio wurde beim letzten Mal nicht normal beendet. Komposition und Ergebnisse aus der letzten automatischen Sicherung wiederherstellen?</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="146" />
        <source>Recovery failed</source>
        <translation>Wiederherstellung fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="155" />
        <source>Cannot open</source>
        <translation>Öffnen nicht möglich</translation>
    </message>
</context>
<context>
    <name>ui::AnnotatePanel</name>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="39" />
        <source>suggested</source>
        <translation>vorgeschlagen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="40" />
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="41" />
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="82" />
        <source>Draw a box around the subject first (box tool), then GrabCut fills its mask.</source>
        <translation>Ziehen Sie zuerst ein Rechteck um das Motiv (Rechteck-Werkzeug); dann füllt GrabCut seine Maske.</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="95" />
        <source>GrabCut region</source>
        <translation>GrabCut-Bereich</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="365" />
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="368" />
        <source>Export the dataset into a folder</source>
        <translation>Datensatz in einen Ordner exportieren</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="374" />
        <source>Import the samples of another dataset</source>
        <translation>Beispiele eines anderen Datensatzes importieren</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="380" />
        <source>The target image</source>
        <translation>Das Zielbild</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="380" />
        <location filename="../ui/annotatepanel.cpp" line="384" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.bmp)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="383" />
        <source>The references (one per subject)</source>
        <translation>Die Referenzen (eine je Motiv)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="461" />
        <source>Open a dataset folder</source>
        <translation>Datensatz-Ordner öffnen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="621" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="25" />
        <source>Working…</source>
        <translation>Läuft…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="42" />
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="54" />
        <source>The result was discarded: its sample changed while it was computed</source>
        <translation>Das Ergebnis wurde verworfen: Sein Beispiel hat sich während der Berechnung geändert</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="73" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="104" />
        <source>Choose a sample first</source>
        <translation>Wählen Sie zuerst ein Beispiel</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="77" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="108" />
        <source>Wait for the running suggestion or GrabCut to finish</source>
        <translation>Warten Sie, bis der laufende Vorschlag oder GrabCut fertig ist</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="89" />
        <source>GrabCut is filling the mask…</source>
        <translation>GrabCut füllt die Maske…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="124" />
        <source>Suggesting pairs (%1)…</source>
        <translation>Paare werden vorgeschlagen (%1)…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="129" />
        <source>No model is loaded: the model suggester uses the model the app has loaded.</source>
        <translation>Kein Modell geladen: Der Modell-Vorschlag verwendet das Modell, das die App geladen hat.</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="145" />
        <source>Suggest pairs (%1)</source>
        <translation>Paare vorschlagen (%1)</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotatepanel_jobs.cpp" line="151" />
        <source>%n pair(s) suggested; review them on the right</source>
        <translation><numerusform>%n Paar vorgeschlagen; prüfen Sie es rechts</numerusform><numerusform>%n Paare vorgeschlagen; prüfen Sie sie rechts</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="402" />
        <source>New dataset: type the new folder's name</source>
        <translation>Neuer Datensatz: Namen des neuen Ordners eingeben</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="406" />
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="407" />
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="419" />
        <source>%1 is a file, not a folder</source>
        <translation>%1 ist eine Datei, kein Ordner</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="423" />
        <source>%1 is not empty: choose a new or empty folder for a dataset</source>
        <translation>%1 ist nicht leer: Wählen Sie für einen Datensatz einen neuen oder leeren Ordner</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="427" />
        <source>Cannot make the folder %1</source>
        <translation>Der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="546" />
        <source>%1: %2 accepted · %3 suggested · %4 rejected</source>
        <translation>%1: %2 angenommen · %3 vorgeschlagen · %4 abgelehnt</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="590" />
        <source>&lt;b&gt;%1&lt;/b&gt;%2&lt;br&gt;%3 samples</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;%2&lt;br&gt;%3 Beispiele</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="591" />
        <source> (unsaved)</source>
        <translation> (ungespeichert)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="593" />
        <source>No dataset open</source>
        <translation>Kein Datensatz geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="595" />
        <source>New…</source>
        <translation>Neu…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="596" />
        <source>Open…</source>
        <translation>Öffnen…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="597" />
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="598" />
        <source>Import…</source>
        <translation>Importieren…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="599" />
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="600" />
        <source>Add a sample from files…</source>
        <translation>Beispiel aus Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="601" />
        <source>Add the current composition</source>
        <translation>Aktuelle Komposition hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="602" />
        <source>Add the selected result</source>
        <translation>Ausgewähltes Ergebnis hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="603" />
        <source>No problems</source>
        <translation>Keine Probleme</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="603" />
        <source>Problems (%1): click one to go to its sample</source>
        <translation>Probleme (%1): Klicken führt zum Beispiel</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="604" />
        <source>Pairs</source>
        <translation>Paare</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="605" />
        <source>Click a reference point, then its target point (1)</source>
        <translation>Referenzpunkt anklicken, dann seinen Zielpunkt (1)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="606" />
        <source>Box</source>
        <translation>Rechteck</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="607" />
        <source>Drag the subject's box in the target (2)</source>
        <translation>Rechteck des Motivs im Ziel aufziehen (2)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="608" />
        <source>Brush</source>
        <translation>Pinsel</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="609" />
        <source>Paint the subject's mask in the target (3)</source>
        <translation>Maske des Motivs im Ziel malen (3)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="610" />
        <source>Eraser</source>
        <translation>Radiergummi</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="611" />
        <source>Erase from the subject's mask (4)</source>
        <translation>Aus der Maske des Motivs radieren (4)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="612" />
        <source>Polygon</source>
        <translation>Polygon</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="613" />
        <source>Click the corners of the subject's outline; double-click or Enter closes it (5)</source>
        <translation>Ecken des Motivumrisses anklicken; Doppelklick oder Eingabe schließt ihn (5)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="614" />
        <source>GrabCut</source>
        <translation>GrabCut</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="615" />
        <source>Fill the subject's mask from its box (OpenCV GrabCut)</source>
        <translation>Maske des Motivs aus seinem Rechteck füllen (OpenCV GrabCut)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="616" />
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="617" />
        <source>From the region</source>
        <translation>Aus dem Bereich</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="618" />
        <source>Feature matching (photos)</source>
        <translation>Merkmalsabgleich (Fotos)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="619" />
        <source>The model's attention</source>
        <translation>Aufmerksamkeit des Modells</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="620" />
        <source>min </source>
        <translation>min. </translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="621" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="25" />
        <source>Suggest</source>
        <translation>Vorschlagen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="622" />
        <source>All pairs</source>
        <translation>Alle Paare</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="623" />
        <source>Suggested</source>
        <translation>Vorgeschlagen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="624" />
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="625" />
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Conf.</source>
        <translation>Konf.</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Reference → target</source>
        <translation>Referenz → Ziel</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="627" />
        <source>Accept (A)</source>
        <translation>Annehmen (A)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="628" />
        <source>Reject (X)</source>
        <translation>Ablehnen (X)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="629" />
        <source>Threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="630" />
        <source>Accept ≥</source>
        <translation>Annehmen ≥</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="631" />
        <source>Reject &lt;</source>
        <translation>Ablehnen &lt;</translation>
    </message>
</context>
<context>
    <name>ui::AnnotateView</name>
    <message>
        <location filename="../ui/annotateview.cpp" line="214" />
        <source>This dataset has no samples yet: add one from files, the composition or a result.</source>
        <translation>Dieser Datensatz hat noch keine Beispiele: Fügen Sie eines aus Dateien, der Komposition oder einem Ergebnis hinzu.</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="215" />
        <source>Create or open a dataset to annotate correspondences.</source>
        <translation>Legen Sie einen Datensatz an oder öffnen Sie einen, um Korrespondenzen zu annotieren.</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="228" />
        <source>The image cannot be read</source>
        <translation>Das Bild kann nicht gelesen werden</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="350" />
        <source>Now click where this point is in the target (Esc cancels).</source>
        <translation>Klicken Sie jetzt, wo dieser Punkt im Ziel liegt (Esc bricht ab).</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="366" />
        <source>Click a point of the reference first, then its place in the target.</source>
        <translation>Klicken Sie zuerst einen Punkt der Referenz an, dann seine Stelle im Ziel.</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="470" />
        <source>Erase in the region</source>
        <translation>Im Bereich radieren</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="470" />
        <source>Paint the region</source>
        <translation>Bereich malen</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="489" />
        <source>Polygon region</source>
        <translation>Polygon-Bereich</translation>
    </message>
</context>
<context>
    <name>ui::AnnotationSet</name>
    <message>
        <location filename="../ui/annotation.cpp" line="68" />
        <source>%1 already holds a dataset; open it instead</source>
        <translation>%1 enthält bereits einen Datensatz; öffnen Sie ihn stattdessen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="122" />
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="131" />
        <location filename="../ui/annotation.cpp" line="175" />
        <location filename="../ui/annotation.cpp" line="209" />
        <source>No dataset is open</source>
        <translation>Kein Datensatz ist geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="139" />
        <source>Cannot keep the original index as %1; nothing was saved</source>
        <translation>Der ursprüngliche Index kann nicht als %1 aufbewahrt werden; nichts wurde gespeichert</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="179" />
        <source>Export into another folder than the dataset's own</source>
        <translation>Exportieren Sie in einen anderen Ordner als den des Datensatzes</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="183" />
        <source>%1 already holds a dataset; export into a new or empty folder (or import into that one)</source>
        <translation>%1 enthält bereits einen Datensatz; exportieren Sie in einen neuen oder leeren Ordner (oder importieren Sie dort)</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="238" />
        <source>Cannot copy %1</source>
        <translation>%1 kann nicht kopiert werden</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="252" />
        <source>Import %n sample(s)</source>
        <translation><numerusform>%n Beispiel importieren</numerusform><numerusform>%n Beispiele importieren</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="342" />
        <source>Add pair %1</source>
        <translation>Paar %1 hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="353" />
        <source>Delete pair %1</source>
        <translation>Paar %1 löschen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="367" />
        <source>Move pair %1</source>
        <translation>Paar %1 verschieben</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="378" />
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="378" />
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="378" />
        <source>Reopen</source>
        <translation>Wieder öffnen</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="379" />
        <source>%1 %n pair(s)</source>
        <translation><numerusform>%1: %n Paar</numerusform><numerusform>%1: %n Paare</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="390" />
        <source>Accept %n suggestion(s)</source>
        <translation><numerusform>%n Vorschlag annehmen</numerusform><numerusform>%n Vorschläge annehmen</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="390" />
        <source>Reject %n suggestion(s)</source>
        <translation><numerusform>%n Vorschlag ablehnen</numerusform><numerusform>%n Vorschläge ablehnen</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="403" />
        <source>Suggest %n pair(s)</source>
        <translation><numerusform>%n Paar vorschlagen</numerusform><numerusform>%n Paare vorschlagen</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="413" />
        <source>Mark %1 done</source>
        <translation>%1 als fertig markieren</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="413" />
        <source>Reopen %1</source>
        <translation>%1 wieder öffnen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="427" />
        <source>Set the box of %1</source>
        <translation>Rechteck von %1 setzen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="448" />
        <source>Create or open a dataset first</source>
        <translation>Legen Sie zuerst einen Datensatz an oder öffnen Sie einen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="452" />
        <source>A sample needs a target image and at least one reference</source>
        <translation>Ein Beispiel braucht ein Zielbild und mindestens eine Referenz</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="472" />
        <source>subject %1</source>
        <translation>Motiv %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="482" />
        <source>Add sample %1</source>
        <translation>Beispiel %1 hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="490" />
        <source>Cannot read the target image %1</source>
        <translation>Das Zielbild %1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="498" />
        <source>Cannot read the reference image %1</source>
        <translation>Das Referenzbild %1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="518" />
        <source>Add a sample from result #%1</source>
        <translation>Beispiel aus Ergebnis #%1 hinzufügen</translation>
    </message>
</context>
<context>
    <name>ui::Banner</name>
    <message>
        <location filename="../ui/banner.cpp" line="89" />
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location filename="../ui/banner.cpp" line="90" />
        <source>Dismiss the message</source>
        <translation>Meldung schließen</translation>
    </message>
</context>
<context>
    <name>ui::Canvas</name>
    <message>
        <location filename="../ui/canvas.cpp" line="168" />
        <source>Erase in the region of %1</source>
        <translation>Im Bereich von %1 radieren</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="169" />
        <source>Paint the region of %1</source>
        <translation>Bereich von %1 malen</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="181" />
        <source>Draw the region of %1</source>
        <translation>Bereich von %1 zeichnen</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="182" />
        <source>Move the region of %1</source>
        <translation>Bereich von %1 verschieben</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="183" />
        <source>Resize the region of %1</source>
        <translation>Größe des Bereichs von %1 ändern</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="294" />
        <source>%1 %2 (from the prompt)</source>
        <translation>%1 %2 (vom Prompt)</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="313" />
        <source>Add subjects on the left, then drag here to place the selected one.</source>
        <translation>Links Motive hinzufügen, dann hier ziehen, um das ausgewählte zu platzieren.</translation>
    </message>
</context>
<context>
    <name>ui::Composition</name>
    <message>
        <location filename="../ui/composition.cpp" line="45" />
        <source>A composition holds at most %1 subjects.</source>
        <translation>Eine Komposition fasst höchstens %1 Motive.</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="51" />
        <source>The image is empty or smaller than %1×%1 pixels.</source>
        <translation>Das Bild ist leer oder kleiner als %1×%1 Pixel.</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="52" />
        <source>%1 is %2×%3 pixels; a subject's image must be at least %4×%4.</source>
        <translation>%1 hat %2×%3 Pixel; das Bild eines Motivs muss mindestens %4×%4 groß sein.</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="60" />
        <source>Subject %1</source>
        <translation>Motiv %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="74" />
        <source>Add subject %1</source>
        <translation>Motiv %1 hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="84" />
        <source>Remove subject %1</source>
        <translation>Motiv %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="94" />
        <source>Rename %1 to %2</source>
        <translation>%1 in %2 umbenennen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="105" />
        <source>Set the word for %1 to “%2”</source>
        <translation>Wort für %1 auf „%2“ setzen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="134" />
        <source>Change the colour of %1</source>
        <translation>Farbe von %1 ändern</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="143" />
        <source>Move %1</source>
        <translation>%1 verschieben</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="153" />
        <source>Remove the region of %1</source>
        <translation>Bereich von %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="154" />
        <source>Set the region of %1</source>
        <translation>Bereich von %1 festlegen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="179" />
        <source>Clear the brush region of %1</source>
        <translation>Gemalten Bereich von %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="180" />
        <source>Paint the region of %1</source>
        <translation>Bereich von %1 malen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="192" />
        <source>Pin a point of %1</source>
        <translation>Punkt von %1 festlegen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="202" />
        <source>Remove the points of %1</source>
        <translation>Punkte von %1 entfernen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="242" />
        <source>Auto layout</source>
        <translation>Automatisch anordnen</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="349" />
        <source>Change settings</source>
        <translation>Einstellungen ändern</translation>
    </message>
</context>
<context>
    <name>ui::Gallery</name>
    <message>
        <location filename="../ui/gallery.cpp" line="180" />
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="276" />
        <source>Results appear here. Press Ctrl+Enter to generate.</source>
        <translation>Hier erscheinen die Ergebnisse. Strg+Eingabe erzeugt ein Bild.</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="322" />
        <source>#%1 · %2 · seed %3</source>
        <translation>#%1 · %2 · Seed %3</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="323" />
        <source>%1 × %2 px in %3 s</source>
        <translation>%1 × %2 px in %3 s</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="327" />
        <source>%1: %2 % of its attention in its region</source>
        <translation>%1: %2 % seiner Aufmerksamkeit im eigenen Bereich</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="349" />
        <source>Save image</source>
        <translation>Bild speichern</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="349" />
        <source>mosaic-%1.png</source>
        <translation>mosaic-%1.png</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="350" />
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="359" />
        <source>There is no image to save.</source>
        <translation>Es gibt kein Bild zum Speichern.</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="392" />
        <source>&lt;b&gt;Attention overlays&lt;/b&gt;</source>
        <translation>&lt;b&gt;Aufmerksamkeitskarten&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="393" />
        <source>Overlay opacity</source>
        <translation>Deckkraft der Überlagerung</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="394" />
        <source>Ownership map</source>
        <translation>Zuordnungskarte</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="395" />
        <source>Beside the references</source>
        <translation>Neben den Referenzen</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="396" />
        <source>Save as PNG…</source>
        <translation>Als PNG speichern…</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="397" />
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="398" />
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="399" />
        <source>Reuse these settings</source>
        <translation>Diese Einstellungen übernehmen</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="400" />
        <source>Vary</source>
        <translation>Variieren</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="401" />
        <source>Generate again starting from this image, with the current subjects and prompt</source>
        <translation>Erneut erzeugen, ausgehend von diesem Bild, mit den aktuellen Motiven und der aktuellen Beschreibung</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="402" />
        <source>How much the variation may change: 1 starts from noise, lower keeps more of the image</source>
        <translation>Wie stark die Variation abweichen darf: 1 beginnt mit Rauschen, kleinere Werte behalten mehr vom Bild</translation>
    </message>
</context>
<context>
    <name>ui::GenerationWorker</name>
    <message>
        <location filename="../ui/generationservice.cpp" line="49" />
        <source>%1 · %2 px · %3 steps · up to %4 subjects</source>
        <translation>%1 · %2 px · %3 Schritte · bis zu %4 Motive</translation>
    </message>
    <message>
        <location filename="../ui/generationservice.cpp" line="55" />
        <source> · guidance %1 (prompt), %2 (references)</source>
        <translation> · Guidance %1 (Prompt), %2 (Referenzen)</translation>
    </message>
    <message>
        <location filename="../ui/generationservice.cpp" line="57" />
        <source> · reference collage %1</source>
        <translation> · Referenz-Collage %1</translation>
    </message>
    <message>
        <location filename="../ui/generationservice.cpp" line="65" />
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
        <location filename="../ui/mainwindow_generation.cpp" line="71" />
        <source>%1 does not know this word</source>
        <translation>%1 kennt dieses Wort nicht</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="364" />
        <source>%1 could not be loaded: %2 — still using %3.</source>
        <translation>%1 konnte nicht geladen werden: %2 — weiterhin wird %3 verwendet.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="366" />
        <source>%1 could not be loaded: %2</source>
        <translation>%1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="375" />
        <source>preparing…</source>
        <translation>Vorbereitung…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="388" />
        <source>step %1/%2 · %3 s</source>
        <translation>Schritt %1/%2 · %3 s</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="389" />
        <source>refining the references %1/%2 · %3 s</source>
        <translation>Referenzen verfeinern %1/%2 · %3 s</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="407" />
        <source>last image: %1 s (denoise %2 s)</source>
        <translation>letztes Bild: %1 s (Entrauschen %2 s)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="413" />
        <source>The generation failed: %1</source>
        <translation>Die Erzeugung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="416" />
        <source>Generation cancelled.</source>
        <translation>Erzeugung abgebrochen.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="426" />
        <source>%1 does not know: %2</source>
        <translation>%1 kennt nicht: %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="443" />
        <source>A word-level model: it knows only the %1 words of its prompts.</source>
        <translation>Ein Modell auf Wortebene: Es kennt nur die %1 Wörter seiner Prompts.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="444" />
        <source>A small model trained on toy scenes: it draws toys (%1), not photographs, and knows only the %2 words of its prompts.</source>
        <translation>Ein kleines, mit Spielzeugszenen trainiertes Modell: Es zeichnet Spielzeuge (%1), keine Fotos, und kennt nur die %2 Wörter seiner Prompts.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="449" />
        <source>&lt;a href="%1"&gt;Model card&lt;/a&gt;</source>
        <translation>&lt;a href="%1"&gt;Modellbeschreibung&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="206" />
        <source>LibTorch %1 · threads: %2 · %3</source>
        <translation>LibTorch %1 · Threads: %2 · %3</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="208" />
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="208" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="221" />
        <source>The bundled model was not found (looked in %1). Load a model with File › Load model….</source>
        <translation>Das mitgelieferte Modell wurde nicht gefunden (gesucht in %1). Laden Sie ein Modell über Datei › Modell laden….</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="227" />
        <location filename="../ui/mainwindow_generation.cpp" line="245" />
        <source>Loading %1…</source>
        <translation>Lade %1…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="233" />
        <source>Load a model bundle</source>
        <translation>Modellpaket laden</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="234" />
        <source>MOSAIC Studio bundles (*.safetensors)</source>
        <translation>MOSAIC-Studio-Modellpakete (*.safetensors)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="53" />
        <source>Cannot open the demo %1: %2</source>
        <translation>Die Demo %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="59" />
        <source>The demo %1 is not valid JSON: %2</source>
        <translation>Die Demo %1 ist kein gültiges JSON: %2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="252" />
        <source>No model is loaded yet.</source>
        <translation>Noch ist kein Modell geladen.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="288" />
        <source>%1 (“%2”)</source>
        <translation>%1 („%2“)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="292" />
        <source>Placed by the prompt, as they have no region: %1</source>
        <translation>Vom Prompt platziert, da ohne Bereich: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="220" />
        <source>No translation for %1 is built into this program.</source>
        <translation>Für %1 ist keine Übersetzung in dieses Programm eingebaut.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="93" />
        <location filename="../ui/mainwindow_files.cpp" line="172" />
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225" />
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225" />
        <location filename="../ui/mainwindow_generation.cpp" line="368" />
        <source>No model loaded</source>
        <translation>Kein Modell geladen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="227" />
        <source>The bundled MOSAIC-Toys model is small and trained on procedural toys: it makes toy scenes, not photographs. Load FLUX-architecture bundles with File › Load model….</source>
        <translation>Das mitgelieferte MOSAIC-Toys-Modell ist klein und auf prozedurale Spielzeuge trainiert: Es erzeugt Spielzeugszenen, keine Fotos. FLUX-Modellpakete laden Sie über Datei › Modell laden….</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="230" />
        <source>untitled</source>
        <translation>unbenannt</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="231" />
        <source>%1%2 — MOSAIC Studio %3</source>
        <translation>%1%2 — MOSAIC Studio %3</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="283" />
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="288" />
        <source>About MOSAIC Studio</source>
        <translation>Über MOSAIC Studio</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="289" />
        <source>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Multi-subject personalized image generation.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Log file: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Personalisierte Bilderzeugung mit mehreren Motiven.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Protokolldatei: %3&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="239" />
        <source>Unsaved work</source>
        <translation>Ungespeicherte Arbeit</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="240" />
        <source>The composition has unsaved changes. Save them before closing?</source>
        <translation>Die Komposition hat ungespeicherte Änderungen. Vor dem Schließen speichern?</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="190" />
        <source>Cannot read the target image %1</source>
        <translation>Das Zielbild %1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="196" />
        <source>Select a result in the gallery or choose a target image.</source>
        <translation>Wählen Sie ein Ergebnis in der Galerie oder ein Zielbild.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="236" />
        <source>%1 does not exist</source>
        <translation>%1 existiert nicht</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="271" />
        <source>Save project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="271" />
        <source>untitled.mosaic</source>
        <translation>unbenannt.mosaic</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="272" />
        <source>MOSAIC Studio projects (*.mosaic)</source>
        <translation>MOSAIC-Studio-Projekte (*.mosaic)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="285" />
        <source>Open project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="286" />
        <source>MOSAIC Studio projects and images (*.mosaic *.png)</source>
        <translation>MOSAIC-Studio-Projekte und -Bilder (*.mosaic *.png)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="323" />
        <source>Restore settings from %1</source>
        <translation>Einstellungen aus %1 übernehmen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="329" />
        <source>Settings restored from %1.</source>
        <translation>Einstellungen aus %1 wiederhergestellt.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="331" />
        <source>The subjects, in order, took the image's regions (images do not store the references).</source>
        <translation>Die Motive haben der Reihe nach die Bereiche des Bildes übernommen (Bilder speichern die Referenzen nicht).</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="333" />
        <source>The image had %1 subjects and the composition has %2: add the others' references, then drop it again for their regions.</source>
        <translation>Das Bild hatte %1 Motive, die Komposition hat %2: Fügen Sie die Referenzen der übrigen hinzu und ziehen Sie das Bild erneut herein, um ihre Bereiche zu übernehmen.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="166" />
        <source>No font with Chinese characters is installed, so the text shows as empty boxes: install one (on Debian: apt install fonts-noto-cjk) and restart.</source>
        <translation>Es ist keine Schrift mit chinesischen Zeichen installiert, daher erscheint der Text als leere Kästchen: Installieren Sie eine (unter Debian: apt install fonts-noto-cjk) und starten Sie neu.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="263" />
        <source>&lt;h4&gt;Compose&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Generate&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Cancel the generation&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Z / Ctrl+Shift+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Undo / redo&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Paste an image or files as subjects&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Box, brush, eraser, point tool&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Remove the selected region&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+wheel&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Zoom the canvas&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h4&gt;Annotate&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;1 / 2 / 3 / 4 / 5&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Pair, box, brush, eraser, polygon tool&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;A / X&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Accept / reject the selected pairs (in the view or the table)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;N or Tab / P or Shift+Tab&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Next / previous pair&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Remove the selected pair&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Close the polygon&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Drop the pair or polygon being drawn&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;p&gt;&lt;b&gt;F1&lt;/b&gt;: this sheet&lt;/p&gt;</source>
        <translation>&lt;h4&gt;Komponieren&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+Eingabe&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Erzeugen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Erzeugung abbrechen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+Z / Strg+Umschalt+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Rückgängig / Wiederholen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Bild oder Dateien als Motive einfügen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Rechteck, Pinsel, Radiergummi, Punkt&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Entf&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Ausgewählten Bereich entfernen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Strg+Mausrad&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Leinwand zoomen&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h4&gt;Annotieren&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;1 / 2 / 3 / 4 / 5&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Paar, Rechteck, Pinsel, Radiergummi, Polygon&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;A / X&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Ausgewählte Paare annehmen / ablehnen (in der Ansicht oder der Tabelle)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;N oder Tab / P oder Umschalt+Tab&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Nächstes / vorheriges Paar&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Entf&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Ausgewähltes Paar entfernen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Eingabe&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Polygon schließen&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Angefangenes Paar oder Polygon verwerfen&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;p&gt;&lt;b&gt;F1&lt;/b&gt;: diese Übersicht&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="318" />
        <source>&amp;Box tool</source>
        <translation>&amp;Rechteck-Werkzeug</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="319" />
        <source>B&amp;rush tool</source>
        <translation>&amp;Pinsel</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="320" />
        <source>&amp;Eraser tool</source>
        <translation>Radier&amp;gummi</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="321" />
        <source>&amp;Point tool</source>
        <translation>P&amp;unkt-Werkzeug</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="326" />
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="327" />
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="331" />
        <source>Compose</source>
        <translation>Komponieren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="332" />
        <source>Gallery</source>
        <translation>Galerie</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="333" />
        <source>Annotate</source>
        <translation>Annotieren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="334" />
        <source>&lt;b&gt;Prompt&lt;/b&gt; (name subjects by their card names)</source>
        <translation>&lt;b&gt;Prompt&lt;/b&gt; (Motive mit ihren Kartennamen nennen)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="335" />
        <source>Subject names in the prompt are shown in their colours; the model is given each subject's word (under its preview) in place of its name.</source>
        <translation>Motivnamen im Prompt erscheinen in ihren Farben; das Modell erhält statt des Namens das Wort des Motivs (unter seiner Vorschau).</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="337" />
        <source>e.g. three toys on the beach: a blob on the left, …</source>
        <translation>z. B. three toys on the beach: a blob on the left, …</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="338" />
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="339" />
        <source>Lock</source>
        <translation>Sperren</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="340" />
        <source>Unlocked, every generation draws a new seed</source>
        <translation>Ungesperrt zieht jede Erzeugung einen neuen Seed</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="341" />
        <source>Random</source>
        <translation>Zufall</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="342" />
        <source>Draw a random seed</source>
        <translation>Einen zufälligen Seed ziehen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="343" />
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="344" />
        <location filename="../ui/mainwindow_view.cpp" line="346" />
        <location filename="../ui/mainwindow_view.cpp" line="348" />
        <location filename="../ui/mainwindow_view.cpp" line="352" />
        <location filename="../ui/mainwindow_view.cpp" line="356" />
        <location filename="../ui/mainwindow_view.cpp" line="366" />
        <source>model default</source>
        <translation>Modellvorgabe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="345" />
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="347" />
        <source>Prompt guidance</source>
        <translation>Prompt-Guidance</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="349" />
        <source>Classifier-free guidance on the prompt: above 1 follows the prompt more closely, at the cost of one more model pass per step (1: off)</source>
        <translation>Classifier-free Guidance auf den Prompt: über 1 folgt das Bild dem Prompt genauer, kostet aber einen weiteren Modelldurchlauf pro Schritt (1: aus)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="351" />
        <source>Reference guidance</source>
        <translation>Referenz-Guidance</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="353" />
        <source>Guidance on the references: above 1 keeps each subject closer to its reference, at the cost of one more model pass per step (1: off)</source>
        <translation>Guidance auf die Referenzen: über 1 bleibt jedes Motiv näher an seiner Referenz, kostet aber einen weiteren Modelldurchlauf pro Schritt (1: aus)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="355" />
        <source>Reference collage</source>
        <translation>Referenz-Collage</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="356" />
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="357" />
        <source>Pastes each reference, cut from its white ground, into its region (without one: where its attention landed) in a first image, then redraws that image at this strength: lower keeps more of the reference, higher blends it more. Costs the redrawn steps once more. Off: MOSAIC alone.</source>
        <translation>Fügt jede Referenz, von ihrem weißen Grund freigestellt, in einem ersten Bild in ihren Bereich ein (ohne Bereich: dorthin, wo ihre Aufmerksamkeit lag) und zeichnet dieses Bild mit dieser Stärke neu: niedriger behält mehr von der Referenz, höher fügt sie stärker ein. Kostet die neu gezeichneten Schritte ein weiteres Mal. Aus: nur MOSAIC.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="361" />
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="368" />
        <source>%1 × %1 px</source>
        <translation>%1 × %1 px</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="372" />
        <source>Region strength</source>
        <translation>Bereichsstärke</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="373" />
        <source>How strongly each subject's attention is steered into its drawn region (0: off)</source>
        <translation>Wie stark die Aufmerksamkeit jedes Motivs in seinen Bereich gelenkt wird (0: aus)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="374" />
        <source>While busy</source>
        <translation>Während der Arbeit</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="375" />
        <source>queue the new request</source>
        <translation>neue Anfrage einreihen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="376" />
        <source>replace the running one</source>
        <translation>laufende ersetzen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="377" />
        <source>Auto layout</source>
        <translation>Automatisch anordnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="378" />
        <source>Gives every subject a region where the prompt puts it by its name (“Pip on the left”, “Tock at the top right”); subjects the prompt does not place go where there is room</source>
        <translation>Gibt jedem Motiv einen Bereich dort, wo der Prompt es mit seinem Namen hinstellt („Pip on the left“, „Tock at the top right“); Motive, die der Prompt nicht platziert, kommen dorthin, wo Platz ist</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="381" />
        <source>Generate (Ctrl+Enter)</source>
        <translation>Erzeugen (Strg+Eingabe)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="382" />
        <source>Cancel (Esc)</source>
        <translation>Abbrechen (Esc)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="383" />
        <source>&lt;b&gt;Model&lt;/b&gt;</source>
        <translation>&lt;b&gt;Modell&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="385" />
        <source>none loaded</source>
        <translation>keines geladen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="388" />
        <source>Load model…</source>
        <translation>Modell laden…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="305" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="377" />
        <source>Select a result in the gallery first.</source>
        <translation>Wählen Sie zuerst ein Ergebnis in der Galerie.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="389" />
        <source>The target image for this composition</source>
        <translation>Das Zielbild für diese Komposition</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="390" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.bmp)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="84" />
        <source>Reference point (%1, %2) picked: click the canvas to pin where it goes.</source>
        <translation>Referenzpunkt (%1, %2) gewählt: Klicken Sie auf die Leinwand, um festzulegen, wohin er gehört.</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="306" />
        <source>&amp;New composition</source>
        <translation>&amp;Neue Komposition</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="307" />
        <source>&amp;Open project…</source>
        <translation>Projekt ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="308" />
        <source>Open &amp;recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="309" />
        <source>&amp;Save project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="310" />
        <source>Save project &amp;as…</source>
        <translation>Projekt speichern &amp;unter…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="311" />
        <source>Open the &amp;demo composition</source>
        <translation>&amp;Demo-Komposition öffnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="312" />
        <source>&amp;Load model…</source>
        <translation>Modell &amp;laden…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="313" />
        <source>&amp;Models…</source>
        <translation>&amp;Modelle…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="314" />
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="315" />
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="316" />
        <source>&amp;Paste subject</source>
        <translation>Motiv &amp;einfügen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="317" />
        <source>&amp;Auto layout</source>
        <translation>&amp;Automatisch anordnen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="322" />
        <source>&amp;Generate</source>
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="323" />
        <source>&amp;Cancel generation</source>
        <translation>Erzeugung &amp;abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="324" />
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="325" />
        <source>&amp;Dark theme</source>
        <translation>&amp;Dunkles Design</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="328" />
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="329" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="330" />
        <source>&amp;About MOSAIC Studio</source>
        <translation>Ü&amp;ber MOSAIC Studio</translation>
    </message>
</context>
<context>
    <name>ui::ModelsDialog</name>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="104" />
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="118" />
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="119" />
        <source>Add file…</source>
        <translation>Datei hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="120" />
        <source>Add LoRA…</source>
        <translation>LoRA hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="121" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="125" />
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="126" />
        <source>all weights resident</source>
        <translation>alle Gewichte im Speicher</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="127" />
        <source>Memory the transformer's weights may take; below their size, its blocks stream from the file (the same image, slower).</source>
        <translation>Speicher, den die Gewichte des Transformers belegen dürfen; liegt er unter ihrer Größe, werden die Blöcke aus der Datei nachgeladen (dasselbe Bild, langsamer).</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="134" />
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="135" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="137" />
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="139" />
        <source>Where the transformer and the autoencoder run (Automatic: the GPU). The memory budget is then the GPU's; T5 and CLIP encode on the CPU.</source>
        <translation>Wo Transformer und Autoencoder laufen (Automatisch: die GPU). Das Speicherbudget gilt dann für die GPU; T5 und CLIP kodieren auf der CPU.</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="141" />
        <source>Where the transformer and the autoencoder run. This build of LibTorch sees no GPU, so Automatic is the CPU.</source>
        <translation>Wo Transformer und Autoencoder laufen. Diese LibTorch-Version sieht keine GPU, daher bedeutet Automatisch die CPU.</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="143" />
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="145" />
        <source>Memory budget:</source>
        <translation>Speicherbudget:</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="149" />
        <source>Load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="158" />
        <source>A FLUX.1 folder or a ComfyUI models folder</source>
        <translation>Ein FLUX.1-Ordner oder ein ComfyUI-Modellordner</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="163" />
        <source>A FLUX transformer or a MOSAIC bundle</source>
        <translation>Ein FLUX-Transformer oder ein MOSAIC-Bundle</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="164" />
        <source>Model files (*.safetensors *.sft *.json)</source>
        <translation>Modelldateien (*.safetensors *.sft *.json)</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="169" />
        <source>A LoRA</source>
        <translation>Eine LoRA</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="169" />
        <source>LoRA files (*.safetensors)</source>
        <translation>LoRA-Dateien (*.safetensors)</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="173" />
        <source>LoRA strength</source>
        <translation>LoRA-Stärke</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="173" />
        <source>Strength:</source>
        <translation>Stärke:</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="213" />
        <source>%1 cannot be used: %2</source>
        <translation>%1 kann nicht verwendet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="293" />
        <source>The bundled MOSAIC-Toys model: small, trained on toy scenes, runs on any CPU.

</source>
        <translation>Das mitgelieferte Modell MOSAIC-Toys: klein, mit Spielzeugszenen trainiert, läuft auf jeder CPU.

</translation>
    </message>
</context>
<context>
    <name>ui::SubjectsPanel</name>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="174" />
        <source>No subject</source>
        <translation>Kein Motiv</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="182" />
        <source>The reference as the model sees it: on white, cropped to the subject, centred.</source>
        <translation>Die Referenz, wie das Modell sie sieht: auf Weiß, auf das Motiv zugeschnitten, zentriert.</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="206" />
        <source>Add subjects</source>
        <translation>Motive hinzufügen</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="206" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="215" />
        <source>Subject colour</source>
        <translation>Farbe des Motivs</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="276" />
        <source>&lt;b&gt;Subjects&lt;/b&gt;</source>
        <translation>&lt;b&gt;Motive&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="277" />
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="278" />
        <source>Add reference images (or drop files here, or paste with Ctrl+V)</source>
        <translation>Referenzbilder hinzufügen (oder Dateien hier ablegen oder mit Strg+V einfügen)</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="279" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="280" />
        <source>Colour…</source>
        <translation>Farbe…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="281" />
        <source>Double-click a name to rename; drag cards to reorder.</source>
        <translation>Doppelklick auf einen Namen benennt um; Karten ziehen ordnet neu.</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="282" />
        <source>Word</source>
        <translation>Wort</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="283" />
        <source>e.g. a cat</source>
        <translation>z. B. eine Katze</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="283" />
        <source>e.g. a %1</source>
        <translation>z. B. „a %1“</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="305" />
        <source>The model does not know: %1</source>
        <translation>Das Modell kennt nicht: %1</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="311" />
        <source>What the model calls this subject. Where the prompt uses the subject's name, the model is given this word instead.</source>
        <translation>Wie das Modell dieses Motiv nennt. Wo der Prompt den Namen des Motivs verwendet, erhält das Modell stattdessen dieses Wort.</translation>
    </message>
</context>
</TS>