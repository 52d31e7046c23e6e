<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/project.cpp" line="182" />
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="187" />
        <source>Cannot write %1: %2 (the previous file, if any, is unchanged)</source>
        <translation>无法写入 %1：%2（原有文件保持不变）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="198" />
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="202" />
        <source>%1 is larger than %2 MB; not a project this version writes</source>
        <translation>%1 大于 %2 MB，不是本版本写出的项目</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="208" />
        <source>%1 is not a MOSAIC Studio project (JSON error at byte %2: %3)</source>
        <translation>%1 不是 MOSAIC Studio 项目（第 %2 字节处 JSON 错误：%3）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="214" />
        <source>%1 is not a MOSAIC Studio project of version 1</source>
        <translation>%1 不是版本 1 的 MOSAIC Studio 项目</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="221" />
        <source>%1 has %2 subjects; at most %3 are supported</source>
        <translation>%1 含有 %2 个主体，最多支持 %3 个</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="232" />
        <source>%1: subject %2 is damaged (name, colour or image)</source>
        <translation>%1：主体 %2 已损坏（名称、颜色或图像）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="238" />
        <source>%1: the brush region of subject %2 is damaged</source>
        <translation>%1：主体 %2 的画笔区域已损坏</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="245" />
        <source>%1: subject %2 has more than 256 points</source>
        <translation>%1：主体 %2 的点超过 256 个</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="251" />
        <source>%1: a point of subject %2 is damaged</source>
        <translation>%1：主体 %2 的一个点已损坏</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="264" />
        <source>%1: result %2 is damaged (%3)</source>
        <translation>%1：结果 %2 已损坏（%3）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="343" />
        <source>%1 carries no MOSAIC Studio parameters</source>
        <translation>%1 不含 MOSAIC Studio 参数</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="348" />
        <source>%1: its MOSAIC Studio parameters are damaged</source>
        <translation>%1：其中的 MOSAIC Studio 参数已损坏</translation>
    </message>
</context>
<context>
    <name>ui::Canvas</name>
    <message>
        <location filename="../ui/canvas.cpp" line="166" />
        <source>Erase in the region of %1</source>
        <translation>擦除 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="167" />
        <source>Paint the region of %1</source>
        <translation>绘制 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="179" />
        <source>Draw the region of %1</source>
        <translation>绘制 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="180" />
        <source>Move the region of %1</source>
        <translation>移动 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="181" />
        <source>Resize the region of %1</source>
        <translation>调整 %1 的区域大小</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="296" />
        <source>Add subjects on the left, then drag here to place the selected one.</source>
        <translation>先在左侧添加主体，再在此处拖动以放置所选主体。</translation>
    </message>
</context>
<context>
    <name>ui::Composition</name>
    <message>
        <location filename="../ui/composition.cpp" line="77" />
        <source>A composition holds at most %1 subjects.</source>
        <translation>一个构图最多容纳 %1 个主体。</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="82" />
        <source>The image is empty or smaller than 8×8 pixels.</source>
        <translation>图像为空或小于 8×8 像素。</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="86" />
        <source>Subject %1</source>
        <translation>主体 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="100" />
        <source>Add subject %1</source>
        <translation>添加主体 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="110" />
        <source>Remove subject %1</source>
        <translation>移除主体 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="120" />
        <source>Rename %1 to %2</source>
        <translation>将 %1 重命名为 %2</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="131" />
        <source>Change the colour of %1</source>
        <translation>更改 %1 的颜色</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="140" />
        <source>Move %1</source>
        <translation>移动 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="150" />
        <source>Remove the region of %1</source>
        <translation>移除 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="151" />
        <source>Set the region of %1</source>
        <translation>设置 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="176" />
        <source>Clear the brush region of %1</source>
        <translation>清除 %1 的画笔区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="177" />
        <source>Paint the region of %1</source>
        <translation>绘制 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="189" />
        <source>Pin a point of %1</source>
        <translation>为 %1 固定一个点</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="199" />
        <source>Remove the points of %1</source>
        <translation>移除 %1 的点</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="219" />
        <source>Auto layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="230" />
        <source>Change settings</source>
        <translation>更改设置</translation>
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
        <translation>结果将显示在这里。按 Ctrl+Enter 生成。</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="272" />
        <source>#%1 · %2 · seed %3</source>
        <translation>#%1 · %2 · 种子 %3</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="273" />
        <source>%1 × %2 px in %3 s</source>
        <translation>%1 × %2 像素，用时 %3 秒</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="277" />
        <source>%1: %2 % of its attention in its region</source>
        <translation>%1：%2% 的注意力落在其区域内</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="298" />
        <source>Save image</source>
        <translation>保存图像</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="298" />
        <source>mosaic-%1.png</source>
        <translation>mosaic-%1.png</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="299" />
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="334" />
        <source>&lt;b&gt;Attention overlays&lt;/b&gt;</source>
        <translation>&lt;b&gt;注意力叠加&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="335" />
        <source>Overlay opacity</source>
        <translation>叠加不透明度</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="336" />
        <source>Ownership map</source>
        <translation>归属图</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="337" />
        <source>Beside the references</source>
        <translation>与参考图并排</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="338" />
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="339" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="340" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="341" />
        <source>Reuse these settings</source>
        <translation>复用这些设置</translation>
    </message>
</context>
<context>
    <name>ui::GenerationWorker</name>
    <message>
        <location filename="../ui/worker.cpp" line="52" />
        <source>%1 · %2 px · %3 steps · up to %4 subjects</source>
        <translation>%1 · %2 像素 · %3 步 · 最多 %4 个主体</translation>
    </message>
    <message>
        <location filename="../ui/worker.cpp" line="64" />
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
</context>
<context>
    <name>ui::LogDock</name>
    <message>
        <location filename="../ui/logdock.cpp" line="64" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../ui/logdock.cpp" line="65" />
        <source>Open Log Folder</source>
        <translation>打开日志文件夹</translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="175" />
        <source>The model %1 could not be loaded: %2</source>
        <translation>无法加载模型 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="189" />
        <source>step %1/%2 · %3 s</source>
        <translation>第 %1/%2 步 · %3 秒</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="203" />
        <source>last image: %1 s (denoise %2 s)</source>
        <translation>上一张图像：%1 秒（去噪 %2 秒）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="209" />
        <source>The generation failed: %1</source>
        <translation>生成失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="212" />
        <source>Generation cancelled.</source>
        <translation>已取消生成。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="245" />
        <source>LibTorch %1 · threads: %2 · %3</source>
        <translation>LibTorch %1 · 线程：%2 · %3</translation>
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
        <translation>未找到内置模型（查找位置：%1）。请通过“文件 › 加载模型…”加载模型。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="423" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="429" />
        <source>Load a model bundle</source>
        <translation>加载模型包</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="430" />
        <source>MOSAIC Studio bundles (*.safetensors)</source>
        <translation>MOSAIC Studio 模型包 (*.safetensors)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="446" />
        <source>Cannot open the demo %1: %2</source>
        <translation>无法打开演示 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="452" />
        <source>The demo %1 is not valid JSON: %2</source>
        <translation>演示 %1 不是有效的 JSON：%2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="488" />
        <source>No model is loaded yet.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="574" />
        <source>No translation for %1 is built into this program.</source>
        <translation>本程序未内置 %1 的翻译。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="675" />
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="675" />
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="677" />
        <source>The bundled MOSAIC-Toys model is small and trained on procedural toys: it makes toy scenes, not photographs. Load FLUX-architecture bundles with File › Load model….</source>
        <translation>内置的 MOSAIC-Toys 模型很小，只在程序生成的玩具上训练：它生成玩具场景，而不是照片。FLUX 架构的模型包可通过“文件 › 加载模型…”加载。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="680" />
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="681" />
        <source>%1%2 — MOSAIC Studio %3</source>
        <translation>%1%2 — MOSAIC Studio %3</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="687" />
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="148" />
        <source>Reference point (%1, %2) picked: click the canvas to pin where it goes.</source>
        <translation>已选择参考点 (%1, %2)：在画布上单击以指定它的位置。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="688" />
        <source>&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Generate&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Cancel the generation&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Z / Ctrl+Shift+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Undo / redo&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Paste an image or files as subjects&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Box, brush, eraser, point tool&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Remove the selected region&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+wheel&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Zoom the canvas&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;F1&lt;/b&gt;&lt;/td&gt;&lt;td&gt;This sheet&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;生成&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;取消生成&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Z / Ctrl+Shift+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;撤销 / 重做&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;将图像或文件粘贴为主体&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;矩形、画笔、橡皮擦、点工具&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;移除所选区域&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+滚轮&lt;/b&gt;&lt;/td&gt;&lt;td&gt;缩放画布&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;F1&lt;/b&gt;&lt;/td&gt;&lt;td&gt;本列表&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="701" />
        <source>About MOSAIC Studio</source>
        <translation>关于 MOSAIC Studio</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="702" />
        <source>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Multi-subject personalized image generation.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Log file: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;多主体个性化图像生成。&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;日志文件：%3&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="713" />
        <source>Unsaved work</source>
        <translation>未保存的工作</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="714" />
        <source>The composition has unsaved changes. Save them before closing?</source>
        <translation>构图有未保存的更改。关闭前保存吗？</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="797" />
        <source>%1 does not exist</source>
        <translation>%1 不存在</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="824" />
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="824" />
        <source>untitled.mosaic</source>
        <translation>未命名.mosaic</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="825" />
        <location filename="../ui/mainwindow.cpp" line="839" />
        <source>MOSAIC Studio projects (*.mosaic)</source>
        <translation>MOSAIC Studio 项目 (*.mosaic)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="838" />
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="876" />
        <source>Restore settings from %1</source>
        <translation>从 %1 恢复设置</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="881" />
        <source>Settings restored from %1 (the references are not stored in images; the current subjects keep their places in order).</source>
        <translation>已从 %1 恢复设置（图像中不保存参考图；当前主体按顺序保持其位置）。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="929" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="930" />
        <source>&amp;New composition</source>
        <translation>新建构图(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="931" />
        <source>&amp;Open project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="932" />
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="933" />
        <source>&amp;Save project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="934" />
        <source>Save project &amp;as…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="935" />
        <source>Open the &amp;demo composition</source>
        <translation>打开演示构图(&amp;D)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="936" />
        <source>&amp;Load model…</source>
        <translation>加载模型(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="937" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="938" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="939" />
        <source>&amp;Paste subject</source>
        <translation>粘贴主体(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="940" />
        <source>&amp;Auto layout</source>
        <translation>自动布局(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="941" />
        <source>&amp;Box tool</source>
        <translation>矩形工具(&amp;B)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="942" />
        <source>B&amp;rush tool</source>
        <translation>画笔工具(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="943" />
        <source>&amp;Eraser tool</source>
        <translation>橡皮擦(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="944" />
        <source>&amp;Point tool</source>
        <translation>点工具(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="945" />
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="946" />
        <source>&amp;Cancel generation</source>
        <translation>取消生成(&amp;C)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="947" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="948" />
        <source>&amp;Dark theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="949" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="950" />
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="951" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="952" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="953" />
        <source>&amp;About MOSAIC Studio</source>
        <translation>关于 MOSAIC Studio(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="954" />
        <source>Compose</source>
        <translation>构图</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="955" />
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="956" />
        <source>&lt;b&gt;Prompt&lt;/b&gt; (name subjects by their card names)</source>
        <translation>&lt;b&gt;提示词&lt;/b&gt;（可用卡片名称指代主体）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="957" />
        <source>e.g. three toys on the beach: a blob on the left, …</source>
        <translation>例如 three toys on the beach: a blob on the left, …</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="958" />
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="959" />
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="960" />
        <source>Unlocked, every generation draws a new seed</source>
        <translation>未锁定时，每次生成都会抽取新种子</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="961" />
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="962" />
        <source>Draw a random seed</source>
        <translation>抽取随机种子</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="963" />
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="964" />
        <location filename="../ui/mainwindow.cpp" line="966" />
        <location filename="../ui/mainwindow.cpp" line="972" />
        <source>model default</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="965" />
        <source>Guidance</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="967" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="974" />
        <source>%1 × %1 px</source>
        <translation>%1 × %1 像素</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="978" />
        <source>Region strength</source>
        <translation>区域强度</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="979" />
        <source>How strongly each subject's attention is steered into its drawn region (0: off)</source>
        <translation>将每个主体的注意力引导到其绘制区域的强度（0：关闭）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="980" />
        <source>While busy</source>
        <translation>忙碌时</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="981" />
        <source>queue the new request</source>
        <translation>排队新请求</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="982" />
        <source>replace the running one</source>
        <translation>替换正在运行的请求</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="983" />
        <source>Auto layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="984" />
        <source>Generate (Ctrl+Enter)</source>
        <translation>生成 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="985" />
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="986" />
        <source>&lt;b&gt;Model&lt;/b&gt;</source>
        <translation>&lt;b&gt;模型&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="988" />
        <source>none loaded</source>
        <translation>未加载</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="989" />
        <source>Load model…</source>
        <translation>加载模型…</translation>
    </message>
</context>
<context>
    <name>ui::SubjectsPanel</name>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="161" />
        <source>No subject</source>
        <translation>无主体</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="166" />
        <source>The reference as the model sees it: on white, cropped to the subject, centred.</source>
        <translation>模型看到的参考图：白底、裁剪到主体、居中。</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="190" />
        <source>Add subjects</source>
        <translation>添加主体</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="190" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="199" />
        <source>Subject colour</source>
        <translation>主体颜色</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="260" />
        <source>&lt;b&gt;Subjects&lt;/b&gt;</source>
        <translation>&lt;b&gt;主体&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="261" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="262" />
        <source>Add reference images (or drop files here, or paste with Ctrl+V)</source>
        <translation>添加参考图像（或将文件拖放到此处，或用 Ctrl+V 粘贴）</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="263" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="264" />
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="265" />
        <source>Double-click a name to rename; drag cards to reorder.</source>
        <translation>双击名称可重命名；拖动卡片可调整顺序。</translation>
    </message>
</context>
</TS>