<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/project.cpp" line="198" />
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="203" />
        <source>Cannot write %1: %2 (the previous file, if any, is unchanged)</source>
        <translation>无法写入 %1：%2（原有文件保持不变）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="227" />
        <source>its images are larger than a project may hold: %1 megapixels each, %2 in all</source>
        <translation>其图像超出项目允许的大小：每张 %1 百万像素，总计 %2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="271" />
        <source>its images are larger than a project may hold</source>
        <translation>其图像超出项目允许的大小</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="289" />
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="293" />
        <source>%1 is larger than %2 MB; not a project this version writes</source>
        <translation>%1 大于 %2 MB，不是本版本写出的项目</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="299" />
        <source>%1 is not a MOSAIC Studio project (JSON error at byte %2: %3)</source>
        <translation>%1 不是 MOSAIC Studio 项目（第 %2 字节处 JSON 错误：%3）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="306" />
        <source>%1 is not a MOSAIC Studio project of version 1 to %2</source>
        <translation>%1 不是版本 1 至 %2 的 MOSAIC Studio 项目</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="312" />
        <source>%1: its settings are damaged (%2)</source>
        <translation>%1：其设置已损坏（%2）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="391" />
        <source>%1: its MOSAIC Studio parameters are damaged (%2)</source>
        <translation>%1：其 MOSAIC Studio 参数已损坏（%2）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="317" />
        <source>%1 has %2 subjects; at most %3 are supported</source>
        <translation>%1 含有 %2 个主体，最多支持 %3 个</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="329" />
        <source>%1: subject %2 is damaged (name, colour or image)</source>
        <translation>%1：主体 %2 已损坏（名称、颜色或图像）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="335" />
        <source>%1: the brush region of subject %2 is damaged</source>
        <translation>%1：主体 %2 的画笔区域已损坏</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="342" />
        <source>%1: subject %2 has more than 256 points</source>
        <translation>%1：主体 %2 的点超过 256 个</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="348" />
        <source>%1: a point of subject %2 is damaged</source>
        <translation>%1：主体 %2 的一个点已损坏</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="359" />
        <source>%1 holds %2 results; a project holds at most %3</source>
        <translation>%1 包含 %2 个结果；一个项目最多包含 %3 个</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="366" />
        <source>%1: result %2 is damaged (%3)</source>
        <translation>%1：结果 %2 已损坏（%3）</translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="385" />
        <source>%1 carries no MOSAIC Studio parameters</source>
        <translation>%1 不含 MOSAIC Studio 参数</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="45" />
        <source>Cannot copy %1 to %2</source>
        <translation>无法将 %1 复制到 %2</translation>
    </message>
    <message>
        <location filename="../ui/resultstore.cpp" line="40" />
        <location filename="../ui/resultstore.cpp" line="186" />
        <source>Cannot read the result kept in %1: %2</source>
        <translation>无法读取保存在 %1 中的结果：%2</translation>
    </message>
    <message>
        <location filename="../ui/resultstore.cpp" line="47" />
        <source>The result kept in %1 is damaged (%2)</source>
        <translation>保存在 %1 中的结果已损坏（%2）</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="28" />
        <source>MOSAIC-Toys (bundled)</source>
        <translation>MOSAIC-Toys（内置）</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="33" />
        <source> · within %1 GiB</source>
        <translation> · 限制在 %1 GiB 内</translation>
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
        <translation>多主体个性化图像生成</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="35" />
        <source>LibTorch threads (default: all cores).</source>
        <translation>LibTorch 线程数（默认：全部核心）。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="38" />
        <source>Open the prepared demo composition (bundled subjects, prompt and regions): one click generates.</source>
        <translation>打开预置的演示构图（内置主体、提示词和区域）：一键即可生成。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="41" />
        <source>A model bundle to load instead of the bundled one.</source>
        <translation>代替内置模型加载的模型包。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="44" />
        <source>Benchmark: generate RUNS times from the demo composition (or the given project) and print the longest event-loop stall of each run, then quit. Runs without a display with QT_QPA_PLATFORM=offscreen.</source>
        <translation>基准测试：用演示构图（或给定的项目）生成 RUNS 次，输出每次运行中事件循环最长的停顿，然后退出。设置 QT_QPA_PLATFORM=offscreen 可在无显示器时运行。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="50" />
        <source>Open a correspondence dataset folder in Annotate mode.</source>
        <translation>在标注模式中打开对应点数据集文件夹。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="53" />
        <source>Projects (.mosaic) to open, or images to add as subjects.</source>
        <translation>要打开的项目（.mosaic），或要添加为主体的图像。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="141" />
        <source>Recover unsaved work?</source>
        <translation>恢复未保存的工作？</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="142" />
        <source>MOSAIC Studio did not close normally last time. Recover the composition and results from the last autosave?</source>
        <translation>MOSAIC Studio 上次未正常关闭。要从最近的自动保存中恢复构图和结果吗？</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="146" />
        <source>Recovery failed</source>
        <translation>恢复失败</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="155" />
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
</context>
<context>
    <name>ui::AnnotatePanel</name>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="39" />
        <source>suggested</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="40" />
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="41" />
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="82" />
        <source>Draw a box around the subject first (box tool), then GrabCut fills its mask.</source>
        <translation>请先用矩形工具框出主体，然后 GrabCut 会填充其蒙版。</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="95" />
        <source>GrabCut region</source>
        <translation>GrabCut 区域</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="365" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="368" />
        <source>Export the dataset into a folder</source>
        <translation>将数据集导出到文件夹</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="374" />
        <source>Import the samples of another dataset</source>
        <translation>导入另一个数据集的样本</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="380" />
        <source>The target image</source>
        <translation>目标图像</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="380" />
        <location filename="../ui/annotatepanel.cpp" line="384" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.webp *.bmp)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="383" />
        <source>The references (one per subject)</source>
        <translation>参考图（每个主体一张）</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="461" />
        <source>Open a dataset folder</source>
        <translation>打开数据集文件夹</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="621" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="25" />
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="42" />
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="54" />
        <source>The result was discarded: its sample changed while it was computed</source>
        <translation>结果已丢弃：计算期间其样本已更改</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="73" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="104" />
        <source>Choose a sample first</source>
        <translation>请先选择一个样本</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="77" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="108" />
        <source>Wait for the running suggestion or GrabCut to finish</source>
        <translation>请等待正在运行的建议或 GrabCut 完成</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="89" />
        <source>GrabCut is filling the mask…</source>
        <translation>GrabCut 正在填充蒙版…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="124" />
        <source>Suggesting pairs (%1)…</source>
        <translation>正在建议点对（%1）…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="129" />
        <source>No model is loaded: the model suggester uses the model the app has loaded.</source>
        <translation>未加载模型：模型建议器使用应用已加载的模型。</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel_jobs.cpp" line="145" />
        <source>Suggest pairs (%1)</source>
        <translation>建议点对（%1）</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotatepanel_jobs.cpp" line="151" />
        <source>%n pair(s) suggested; review them on the right</source>
        <translation><numerusform>已建议 %n 个点对；请在右侧审核</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="402" />
        <source>New dataset: type the new folder's name</source>
        <translation>新数据集：输入新文件夹的名称</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="406" />
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="407" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="419" />
        <source>%1 is a file, not a folder</source>
        <translation>%1 是文件，不是文件夹</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="423" />
        <source>%1 is not empty: choose a new or empty folder for a dataset</source>
        <translation>%1 不是空的：请为数据集选择一个新的或空的文件夹</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="427" />
        <source>Cannot make the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="546" />
        <source>%1: %2 accepted · %3 suggested · %4 rejected</source>
        <translation>%1：%2 已接受 · %3 建议 · %4 已拒绝</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="590" />
        <source>&lt;b&gt;%1&lt;/b&gt;%2&lt;br&gt;%3 samples</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;%2&lt;br&gt;%3 个样本</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="591" />
        <source> (unsaved)</source>
        <translation>（未保存）</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="593" />
        <source>No dataset open</source>
        <translation>未打开数据集</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="595" />
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="596" />
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="597" />
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="598" />
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="599" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="600" />
        <source>Add a sample from files…</source>
        <translation>从文件添加样本…</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="601" />
        <source>Add the current composition</source>
        <translation>添加当前构图</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="602" />
        <source>Add the selected result</source>
        <translation>添加所选结果</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="603" />
        <source>No problems</source>
        <translation>没有问题</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="603" />
        <source>Problems (%1): click one to go to its sample</source>
        <translation>问题（%1）：点击可跳转到对应样本</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="604" />
        <source>Pairs</source>
        <translation>点对</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="605" />
        <source>Click a reference point, then its target point (1)</source>
        <translation>先点击参考点，再点击其目标点 (1)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="606" />
        <source>Box</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="607" />
        <source>Drag the subject's box in the target (2)</source>
        <translation>在目标图中拖出主体的矩形 (2)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="608" />
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="609" />
        <source>Paint the subject's mask in the target (3)</source>
        <translation>在目标图中绘制主体蒙版 (3)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="610" />
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="611" />
        <source>Erase from the subject's mask (4)</source>
        <translation>从主体蒙版中擦除 (4)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="612" />
        <source>Polygon</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="613" />
        <source>Click the corners of the subject's outline; double-click or Enter closes it (5)</source>
        <translation>点击主体轮廓的各个角点；双击或回车闭合 (5)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="614" />
        <source>GrabCut</source>
        <translation>GrabCut</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="615" />
        <source>Fill the subject's mask from its box (OpenCV GrabCut)</source>
        <translation>根据矩形填充主体蒙版（OpenCV GrabCut）</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="616" />
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="617" />
        <source>From the region</source>
        <translation>由区域生成</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="618" />
        <source>Feature matching (photos)</source>
        <translation>特征匹配（照片）</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="619" />
        <source>The model's attention</source>
        <translation>模型注意力</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="620" />
        <source>min </source>
        <translation>最低 </translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="621" />
        <location filename="../ui/annotatepanel_jobs.cpp" line="25" />
        <source>Suggest</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="622" />
        <source>All pairs</source>
        <translation>全部点对</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="623" />
        <source>Suggested</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="624" />
        <source>Accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="625" />
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Conf.</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="626" />
        <source>Reference → target</source>
        <translation>参考 → 目标</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="627" />
        <source>Accept (A)</source>
        <translation>接受 (A)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="628" />
        <source>Reject (X)</source>
        <translation>拒绝 (X)</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="629" />
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="630" />
        <source>Accept ≥</source>
        <translation>接受 ≥</translation>
    </message>
    <message>
        <location filename="../ui/annotatepanel.cpp" line="631" />
        <source>Reject &lt;</source>
        <translation>拒绝 &lt;</translation>
    </message>
</context>
<context>
    <name>ui::AnnotateView</name>
    <message>
        <location filename="../ui/annotateview.cpp" line="214" />
        <source>This dataset has no samples yet: add one from files, the composition or a result.</source>
        <translation>该数据集还没有样本：请从文件、构图或生成结果添加。</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="215" />
        <source>Create or open a dataset to annotate correspondences.</source>
        <translation>新建或打开数据集以标注对应点。</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="228" />
        <source>The image cannot be read</source>
        <translation>无法读取该图像</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="350" />
        <source>Now click where this point is in the target (Esc cancels).</source>
        <translation>现在点击该点在目标图中的位置（Esc 取消）。</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="366" />
        <source>Click a point of the reference first, then its place in the target.</source>
        <translation>请先点击参考图上的点，再点击其在目标图中的位置。</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="470" />
        <source>Erase in the region</source>
        <translation>在区域中擦除</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="470" />
        <source>Paint the region</source>
        <translation>绘制区域</translation>
    </message>
    <message>
        <location filename="../ui/annotateview.cpp" line="489" />
        <source>Polygon region</source>
        <translation>多边形区域</translation>
    </message>
</context>
<context>
    <name>ui::AnnotationSet</name>
    <message>
        <location filename="../ui/annotation.cpp" line="68" />
        <source>%1 already holds a dataset; open it instead</source>
        <translation>%1 已包含数据集；请直接打开</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="122" />
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="131" />
        <location filename="../ui/annotation.cpp" line="175" />
        <location filename="../ui/annotation.cpp" line="209" />
        <source>No dataset is open</source>
        <translation>没有打开的数据集</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="139" />
        <source>Cannot keep the original index as %1; nothing was saved</source>
        <translation>无法将原索引保留为 %1；未保存任何内容</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="179" />
        <source>Export into another folder than the dataset's own</source>
        <translation>请导出到数据集自身以外的文件夹</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="183" />
        <source>%1 already holds a dataset; export into a new or empty folder (or import into that one)</source>
        <translation>%1 已包含数据集；请导出到新的或空的文件夹（或在那里导入）</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="238" />
        <source>Cannot copy %1</source>
        <translation>无法复制 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="252" />
        <source>Import %n sample(s)</source>
        <translation><numerusform>导入 %n 个样本</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="342" />
        <source>Add pair %1</source>
        <translation>添加点对 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="353" />
        <source>Delete pair %1</source>
        <translation>删除点对 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="367" />
        <source>Move pair %1</source>
        <translation>移动点对 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="378" />
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="378" />
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="378" />
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="379" />
        <source>%1 %n pair(s)</source>
        <translation><numerusform>%1 %n 个点对</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="390" />
        <source>Accept %n suggestion(s)</source>
        <translation><numerusform>接受 %n 个建议</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="390" />
        <source>Reject %n suggestion(s)</source>
        <translation><numerusform>拒绝 %n 个建议</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/annotation.cpp" line="403" />
        <source>Suggest %n pair(s)</source>
        <translation><numerusform>建议 %n 个点对</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="413" />
        <source>Mark %1 done</source>
        <translation>将 %1 标记为完成</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="413" />
        <source>Reopen %1</source>
        <translation>重新打开 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="427" />
        <source>Set the box of %1</source>
        <translation>设置 %1 的矩形</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="448" />
        <source>Create or open a dataset first</source>
        <translation>请先新建或打开数据集</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="452" />
        <source>A sample needs a target image and at least one reference</source>
        <translation>样本需要一张目标图和至少一张参考图</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="472" />
        <source>subject %1</source>
        <translation>主体 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="482" />
        <source>Add sample %1</source>
        <translation>添加样本 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="490" />
        <source>Cannot read the target image %1</source>
        <translation>无法读取目标图像 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="498" />
        <source>Cannot read the reference image %1</source>
        <translation>无法读取参考图像 %1</translation>
    </message>
    <message>
        <location filename="../ui/annotation.cpp" line="518" />
        <source>Add a sample from result #%1</source>
        <translation>从结果 #%1 添加样本</translation>
    </message>
</context>
<context>
    <name>ui::Banner</name>
    <message>
        <location filename="../ui/banner.cpp" line="89" />
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../ui/banner.cpp" line="90" />
        <source>Dismiss the message</source>
        <translation>关闭此消息</translation>
    </message>
</context>
<context>
    <name>ui::Canvas</name>
    <message>
        <location filename="../ui/canvas.cpp" line="168" />
        <source>Erase in the region of %1</source>
        <translation>擦除 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="169" />
        <source>Paint the region of %1</source>
        <translation>绘制 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="181" />
        <source>Draw the region of %1</source>
        <translation>绘制 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="182" />
        <source>Move the region of %1</source>
        <translation>移动 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="183" />
        <source>Resize the region of %1</source>
        <translation>调整 %1 的区域大小</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="294" />
        <source>%1 %2 (from the prompt)</source>
        <translation>%1 %2（按提示词）</translation>
    </message>
    <message>
        <location filename="../ui/canvas.cpp" line="313" />
        <source>Add subjects on the left, then drag here to place the selected one.</source>
        <translation>先在左侧添加主体，再在此处拖动以放置所选主体。</translation>
    </message>
</context>
<context>
    <name>ui::Composition</name>
    <message>
        <location filename="../ui/composition.cpp" line="45" />
        <source>A composition holds at most %1 subjects.</source>
        <translation>一个构图最多容纳 %1 个主体。</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="51" />
        <source>The image is empty or smaller than %1×%1 pixels.</source>
        <translation>图像为空或小于 %1×%1 像素。</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="52" />
        <source>%1 is %2×%3 pixels; a subject's image must be at least %4×%4.</source>
        <translation>%1 为 %2×%3 像素；主体图像至少需要 %4×%4。</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="60" />
        <source>Subject %1</source>
        <translation>主体 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="74" />
        <source>Add subject %1</source>
        <translation>添加主体 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="84" />
        <source>Remove subject %1</source>
        <translation>移除主体 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="94" />
        <source>Rename %1 to %2</source>
        <translation>将 %1 重命名为 %2</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="105" />
        <source>Set the word for %1 to “%2”</source>
        <translation>将 %1 的词设为“%2”</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="134" />
        <source>Change the colour of %1</source>
        <translation>更改 %1 的颜色</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="143" />
        <source>Move %1</source>
        <translation>移动 %1</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="153" />
        <source>Remove the region of %1</source>
        <translation>移除 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="154" />
        <source>Set the region of %1</source>
        <translation>设置 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="179" />
        <source>Clear the brush region of %1</source>
        <translation>清除 %1 的画笔区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="180" />
        <source>Paint the region of %1</source>
        <translation>绘制 %1 的区域</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="192" />
        <source>Pin a point of %1</source>
        <translation>为 %1 固定一个点</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="202" />
        <source>Remove the points of %1</source>
        <translation>移除 %1 的点</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="242" />
        <source>Auto layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <location filename="../ui/composition.cpp" line="349" />
        <source>Change settings</source>
        <translation>更改设置</translation>
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
        <translation>结果将显示在这里。按 Ctrl+Enter 生成。</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="322" />
        <source>#%1 · %2 · seed %3</source>
        <translation>#%1 · %2 · 种子 %3</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="323" />
        <source>%1 × %2 px in %3 s</source>
        <translation>%1 × %2 像素，用时 %3 秒</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="327" />
        <source>%1: %2 % of its attention in its region</source>
        <translation>%1：%2% 的注意力落在其区域内</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="349" />
        <source>Save image</source>
        <translation>保存图像</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="349" />
        <source>mosaic-%1.png</source>
        <translation>mosaic-%1.png</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="350" />
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="359" />
        <source>There is no image to save.</source>
        <translation>没有可保存的图像。</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="392" />
        <source>&lt;b&gt;Attention overlays&lt;/b&gt;</source>
        <translation>&lt;b&gt;注意力叠加&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="393" />
        <source>Overlay opacity</source>
        <translation>叠加不透明度</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="394" />
        <source>Ownership map</source>
        <translation>归属图</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="395" />
        <source>Beside the references</source>
        <translation>与参考图并排</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="396" />
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="397" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="398" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="399" />
        <source>Reuse these settings</source>
        <translation>复用这些设置</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="400" />
        <source>Vary</source>
        <translation>变体</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="401" />
        <source>Generate again starting from this image, with the current subjects and prompt</source>
        <translation>以此图像为起点，使用当前主体和提示词重新生成</translation>
    </message>
    <message>
        <location filename="../ui/gallery.cpp" line="402" />
        <source>How much the variation may change: 1 starts from noise, lower keeps more of the image</source>
        <translation>变体可改变的程度：1 从噪声开始，数值越低保留的原图越多</translation>
    </message>
</context>
<context>
    <name>ui::GenerationWorker</name>
    <message>
        <location filename="../ui/generationservice.cpp" line="49" />
        <source>%1 · %2 px · %3 steps · up to %4 subjects</source>
        <translation>%1 · %2 像素 · %3 步 · 最多 %4 个主体</translation>
    </message>
    <message>
        <location filename="../ui/generationservice.cpp" line="55" />
        <source> · guidance %1 (prompt), %2 (references)</source>
        <translation> · 引导 %1（提示词），%2（参考图）</translation>
    </message>
    <message>
        <location filename="../ui/generationservice.cpp" line="57" />
        <source> · reference collage %1</source>
        <translation> · 参考拼贴 %1</translation>
    </message>
    <message>
        <location filename="../ui/generationservice.cpp" line="65" />
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
        <location filename="../ui/mainwindow_generation.cpp" line="71" />
        <source>%1 does not know this word</source>
        <translation>%1 不认识这个词</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="364" />
        <source>%1 could not be loaded: %2 — still using %3.</source>
        <translation>无法加载 %1：%2 —— 仍在使用 %3。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="366" />
        <source>%1 could not be loaded: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="375" />
        <source>preparing…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="388" />
        <source>step %1/%2 · %3 s</source>
        <translation>第 %1/%2 步 · %3 秒</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="389" />
        <source>refining the references %1/%2 · %3 s</source>
        <translation>细化参考 %1/%2 · %3 秒</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="407" />
        <source>last image: %1 s (denoise %2 s)</source>
        <translation>上一张图像：%1 秒（去噪 %2 秒）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="413" />
        <source>The generation failed: %1</source>
        <translation>生成失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="416" />
        <source>Generation cancelled.</source>
        <translation>已取消生成。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="426" />
        <source>%1 does not know: %2</source>
        <translation>%1 不认识：%2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="443" />
        <source>A word-level model: it knows only the %1 words of its prompts.</source>
        <translation>词级模型：它只认识其提示词中的 %1 个词。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="444" />
        <source>A small model trained on toy scenes: it draws toys (%1), not photographs, and knows only the %2 words of its prompts.</source>
        <translation>一个用玩具场景训练的小模型：它画玩具（%1），不画照片，只认识其提示词中的 %2 个词。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="449" />
        <source>&lt;a href="%1"&gt;Model card&lt;/a&gt;</source>
        <translation>&lt;a href="%1"&gt;模型说明&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="206" />
        <source>LibTorch %1 · threads: %2 · %3</source>
        <translation>LibTorch %1 · 线程：%2 · %3</translation>
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
        <translation>未找到内置模型（查找位置：%1）。请通过“文件 › 加载模型…”加载模型。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="227" />
        <location filename="../ui/mainwindow_generation.cpp" line="245" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="233" />
        <source>Load a model bundle</source>
        <translation>加载模型包</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="234" />
        <source>MOSAIC Studio bundles (*.safetensors)</source>
        <translation>MOSAIC Studio 模型包 (*.safetensors)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="53" />
        <source>Cannot open the demo %1: %2</source>
        <translation>无法打开演示 %1：%2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="59" />
        <source>The demo %1 is not valid JSON: %2</source>
        <translation>演示 %1 不是有效的 JSON：%2</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="252" />
        <source>No model is loaded yet.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="220" />
        <source>No translation for %1 is built into this program.</source>
        <translation>本程序未内置 %1 的翻译。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="93" />
        <location filename="../ui/mainwindow_files.cpp" line="172" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225" />
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="225" />
        <location filename="../ui/mainwindow_generation.cpp" line="368" />
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="227" />
        <source>The bundled MOSAIC-Toys model is small and trained on procedural toys: it makes toy scenes, not photographs. Load FLUX-architecture bundles with File › Load model….</source>
        <translation>内置的 MOSAIC-Toys 模型很小，只在程序生成的玩具上训练：它生成玩具场景，而不是照片。FLUX 架构的模型包可通过“文件 › 加载模型…”加载。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="230" />
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="231" />
        <source>%1%2 — MOSAIC Studio %3</source>
        <translation>%1%2 — MOSAIC Studio %3</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="283" />
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="84" />
        <source>Reference point (%1, %2) picked: click the canvas to pin where it goes.</source>
        <translation>已选择参考点 (%1, %2)：在画布上单击以指定它的位置。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="377" />
        <source>Select a result in the gallery first.</source>
        <translation>请先在图库中选择一个结果。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="389" />
        <source>The target image for this composition</source>
        <translation>此构图的目标图像</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="390" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.webp *.bmp)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="288" />
        <source>%1 (“%2”)</source>
        <translation>%1（“%2”）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_generation.cpp" line="292" />
        <source>Placed by the prompt, as they have no region: %1</source>
        <translation>未绘制区域，已按提示词放置：%1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="288" />
        <source>About MOSAIC Studio</source>
        <translation>关于 MOSAIC Studio</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="289" />
        <source>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;Multi-subject personalized image generation.&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;Log file: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MOSAIC Studio %1&lt;/h3&gt;&lt;p&gt;多主体个性化图像生成。&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;&lt;p&gt;日志文件：%3&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="239" />
        <source>Unsaved work</source>
        <translation>未保存的工作</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="240" />
        <source>The composition has unsaved changes. Save them before closing?</source>
        <translation>构图有未保存的更改。关闭前保存吗？</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="190" />
        <source>Cannot read the target image %1</source>
        <translation>无法读取目标图像 %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="196" />
        <source>Select a result in the gallery or choose a target image.</source>
        <translation>请在图库中选择结果或选择目标图像。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="236" />
        <source>%1 does not exist</source>
        <translation>%1 不存在</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="271" />
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="271" />
        <source>untitled.mosaic</source>
        <translation>未命名.mosaic</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="272" />
        <source>MOSAIC Studio projects (*.mosaic)</source>
        <translation>MOSAIC Studio 项目 (*.mosaic)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="285" />
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="286" />
        <source>MOSAIC Studio projects and images (*.mosaic *.png)</source>
        <translation>MOSAIC Studio 项目和图像 (*.mosaic *.png)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="323" />
        <source>Restore settings from %1</source>
        <translation>从 %1 恢复设置</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="329" />
        <source>Settings restored from %1.</source>
        <translation>已从 %1 恢复设置。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="331" />
        <source>The subjects, in order, took the image's regions (images do not store the references).</source>
        <translation>各主体已按顺序采用图像中的区域（图像不保存参考图）。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_files.cpp" line="333" />
        <source>The image had %1 subjects and the composition has %2: add the others' references, then drop it again for their regions.</source>
        <translation>该图像有 %1 个主体，而构图有 %2 个：请添加其余主体的参考图，然后再次拖入图像以获得它们的区域。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="166" />
        <source>No font with Chinese characters is installed, so the text shows as empty boxes: install one (on Debian: apt install fonts-noto-cjk) and restart.</source>
        <translation>未安装含中文字符的字体，因此文字显示为空方框：请安装一个（Debian 上：apt install fonts-noto-cjk）然后重新启动。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="263" />
        <source>&lt;h4&gt;Compose&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Generate&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Cancel the generation&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Z / Ctrl+Shift+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Undo / redo&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Paste an image or files as subjects&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Box, brush, eraser, point tool&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Remove the selected region&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+wheel&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Zoom the canvas&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h4&gt;Annotate&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;1 / 2 / 3 / 4 / 5&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Pair, box, brush, eraser, polygon tool&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;A / X&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Accept / reject the selected pairs (in the view or the table)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;N or Tab / P or Shift+Tab&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Next / previous pair&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Remove the selected pair&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Close the polygon&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;Drop the pair or polygon being drawn&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;p&gt;&lt;b&gt;F1&lt;/b&gt;: this sheet&lt;/p&gt;</source>
        <translation>&lt;h4&gt;构图&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;生成&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;取消生成&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+Z / Ctrl+Shift+Z&lt;/b&gt;&lt;/td&gt;&lt;td&gt;撤销 / 重做&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+V&lt;/b&gt;&lt;/td&gt;&lt;td&gt;粘贴图像或文件作为主体&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;R / B / E / P&lt;/b&gt;&lt;/td&gt;&lt;td&gt;矩形、画笔、橡皮擦、点工具&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;删除所选区域&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Ctrl+滚轮&lt;/b&gt;&lt;/td&gt;&lt;td&gt;缩放画布&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h4&gt;标注&lt;/h4&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;1 / 2 / 3 / 4 / 5&lt;/b&gt;&lt;/td&gt;&lt;td&gt;点对、矩形、画笔、橡皮擦、多边形工具&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;A / X&lt;/b&gt;&lt;/td&gt;&lt;td&gt;接受 / 拒绝所选点对（在视图或表格中）&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;N 或 Tab / P 或 Shift+Tab&lt;/b&gt;&lt;/td&gt;&lt;td&gt;下一个 / 上一个点对&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Delete&lt;/b&gt;&lt;/td&gt;&lt;td&gt;删除所选点对&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Enter&lt;/b&gt;&lt;/td&gt;&lt;td&gt;闭合多边形&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;&lt;b&gt;Esc&lt;/b&gt;&lt;/td&gt;&lt;td&gt;放弃正在画的点对或多边形&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;p&gt;&lt;b&gt;F1&lt;/b&gt;：本说明&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="305" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="306" />
        <source>&amp;New composition</source>
        <translation>新建构图(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="307" />
        <source>&amp;Open project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="308" />
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="309" />
        <source>&amp;Save project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="310" />
        <source>Save project &amp;as…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="311" />
        <source>Open the &amp;demo composition</source>
        <translation>打开演示构图(&amp;D)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="312" />
        <source>&amp;Load model…</source>
        <translation>加载模型(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="313" />
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="314" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="315" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="316" />
        <source>&amp;Paste subject</source>
        <translation>粘贴主体(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="317" />
        <source>&amp;Auto layout</source>
        <translation>自动布局(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="318" />
        <source>&amp;Box tool</source>
        <translation>矩形工具(&amp;B)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="319" />
        <source>B&amp;rush tool</source>
        <translation>画笔工具(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="320" />
        <source>&amp;Eraser tool</source>
        <translation>橡皮擦(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="321" />
        <source>&amp;Point tool</source>
        <translation>点工具(&amp;P)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="322" />
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="323" />
        <source>&amp;Cancel generation</source>
        <translation>取消生成(&amp;C)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="324" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="325" />
        <source>&amp;Dark theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="326" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="327" />
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="328" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="329" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="330" />
        <source>&amp;About MOSAIC Studio</source>
        <translation>关于 MOSAIC Studio(&amp;A)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="331" />
        <source>Compose</source>
        <translation>构图</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="332" />
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="333" />
        <source>Annotate</source>
        <translation>标注</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="334" />
        <source>&lt;b&gt;Prompt&lt;/b&gt; (name subjects by their card names)</source>
        <translation>&lt;b&gt;提示词&lt;/b&gt;（可用卡片名称指代主体）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="335" />
        <source>Subject names in the prompt are shown in their colours; the model is given each subject's word (under its preview) in place of its name.</source>
        <translation>提示词中的主体名称以其颜色显示；模型收到的是各主体的词（在其预览下方），而不是名称。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="337" />
        <source>e.g. three toys on the beach: a blob on the left, …</source>
        <translation>例如 three toys on the beach: a blob on the left, …</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="338" />
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="339" />
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="340" />
        <source>Unlocked, every generation draws a new seed</source>
        <translation>未锁定时，每次生成都会抽取新种子</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="341" />
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="342" />
        <source>Draw a random seed</source>
        <translation>抽取随机种子</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="343" />
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="344" />
        <location filename="../ui/mainwindow_view.cpp" line="346" />
        <location filename="../ui/mainwindow_view.cpp" line="348" />
        <location filename="../ui/mainwindow_view.cpp" line="352" />
        <location filename="../ui/mainwindow_view.cpp" line="356" />
        <location filename="../ui/mainwindow_view.cpp" line="366" />
        <source>model default</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="345" />
        <source>Guidance</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="347" />
        <source>Prompt guidance</source>
        <translation>提示词引导</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="349" />
        <source>Classifier-free guidance on the prompt: above 1 follows the prompt more closely, at the cost of one more model pass per step (1: off)</source>
        <translation>提示词的无分类器引导：大于 1 时更贴近提示词，但每步多一次模型计算（1：关闭）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="351" />
        <source>Reference guidance</source>
        <translation>参考引导</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="353" />
        <source>Guidance on the references: above 1 keeps each subject closer to its reference, at the cost of one more model pass per step (1: off)</source>
        <translation>参考图引导：大于 1 时每个主体更接近其参考图，但每步多一次模型计算（1：关闭）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="355" />
        <source>Reference collage</source>
        <translation>参考拼贴</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="356" />
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="357" />
        <source>Pastes each reference, cut from its white ground, into its region (without one: where its attention landed) in a first image, then redraws that image at this strength: lower keeps more of the reference, higher blends it more. Costs the redrawn steps once more. Off: MOSAIC alone.</source>
        <translation>先生成一张图，把每张参考图（从白色背景中抠出）贴到其区域中（没有区域时：贴到其注意力所在处），再以此强度重绘该图：越低越保留参考图，越高融合越多。重绘的步数需再计算一次。关闭：仅用 MOSAIC。</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="361" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="368" />
        <source>%1 × %1 px</source>
        <translation>%1 × %1 像素</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="372" />
        <source>Region strength</source>
        <translation>区域强度</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="373" />
        <source>How strongly each subject's attention is steered into its drawn region (0: off)</source>
        <translation>将每个主体的注意力引导到其绘制区域的强度（0：关闭）</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="374" />
        <source>While busy</source>
        <translation>忙碌时</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="375" />
        <source>queue the new request</source>
        <translation>排队新请求</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="376" />
        <source>replace the running one</source>
        <translation>替换正在运行的请求</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="377" />
        <source>Auto layout</source>
        <translation>自动布局</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="378" />
        <source>Gives every subject a region where the prompt puts it by its name (“Pip on the left”, “Tock at the top right”); subjects the prompt does not place go where there is room</source>
        <translation>按提示词中以名字指定的位置（“Pip on the left”、“Tock at the top right”）为每个主体分配区域；提示词未指定位置的主体放在空余处</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="381" />
        <source>Generate (Ctrl+Enter)</source>
        <translation>生成 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="382" />
        <source>Cancel (Esc)</source>
        <translation>取消 (Esc)</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="383" />
        <source>&lt;b&gt;Model&lt;/b&gt;</source>
        <translation>&lt;b&gt;模型&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="385" />
        <source>none loaded</source>
        <translation>未加载</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow_view.cpp" line="388" />
        <source>Load model…</source>
        <translation>加载模型…</translation>
    </message>
</context>
<context>
    <name>ui::ModelsDialog</name>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="104" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="118" />
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="119" />
        <source>Add file…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="120" />
        <source>Add LoRA…</source>
        <translation>添加 LoRA…</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="121" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="125" />
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="126" />
        <source>all weights resident</source>
        <translation>全部权重常驻内存</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="127" />
        <source>Memory the transformer's weights may take; below their size, its blocks stream from the file (the same image, slower).</source>
        <translation>Transformer 权重可占用的内存；低于权重大小时，其各块从文件中按需读取（图像相同，但更慢）。</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="134" />
        <source>Automatic</source>
        <translation>自动</translation>
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
        <translation>Transformer 和自编码器的运行位置（自动：GPU）。此时内存预算指 GPU 显存；T5 和 CLIP 在 CPU 上编码。</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="141" />
        <source>Where the transformer and the autoencoder run. This build of LibTorch sees no GPU, so Automatic is the CPU.</source>
        <translation>Transformer 和自编码器的运行位置。此 LibTorch 构建看不到 GPU，因此“自动”即 CPU。</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="143" />
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="145" />
        <source>Memory budget:</source>
        <translation>内存预算：</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="149" />
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="158" />
        <source>A FLUX.1 folder or a ComfyUI models folder</source>
        <translation>FLUX.1 文件夹或 ComfyUI 模型文件夹</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="163" />
        <source>A FLUX transformer or a MOSAIC bundle</source>
        <translation>FLUX Transformer 或 MOSAIC 模型包</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="164" />
        <source>Model files (*.safetensors *.sft *.json)</source>
        <translation>模型文件 (*.safetensors *.sft *.json)</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="169" />
        <source>A LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="169" />
        <source>LoRA files (*.safetensors)</source>
        <translation>LoRA 文件 (*.safetensors)</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="173" />
        <source>LoRA strength</source>
        <translation>LoRA 强度</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="173" />
        <source>Strength:</source>
        <translation>强度：</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="213" />
        <source>%1 cannot be used: %2</source>
        <translation>%1 无法使用：%2</translation>
    </message>
    <message>
        <location filename="../ui/modelsdialog.cpp" line="293" />
        <source>The bundled MOSAIC-Toys model: small, trained on toy scenes, runs on any CPU.

</source>
        <translation>内置的 MOSAIC-Toys 模型：规模小，用玩具场景训练，可在任何 CPU 上运行。

</translation>
    </message>
</context>
<context>
    <name>ui::SubjectsPanel</name>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="174" />
        <source>No subject</source>
        <translation>无主体</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="182" />
        <source>The reference as the model sees it: on white, cropped to the subject, centred.</source>
        <translation>模型看到的参考图：白底、裁剪到主体、居中。</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="206" />
        <source>Add subjects</source>
        <translation>添加主体</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="206" />
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="215" />
        <source>Subject colour</source>
        <translation>主体颜色</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="276" />
        <source>&lt;b&gt;Subjects&lt;/b&gt;</source>
        <translation>&lt;b&gt;主体&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="277" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="278" />
        <source>Add reference images (or drop files here, or paste with Ctrl+V)</source>
        <translation>添加参考图像（或将文件拖放到此处，或用 Ctrl+V 粘贴）</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="279" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="280" />
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="281" />
        <source>Double-click a name to rename; drag cards to reorder.</source>
        <translation>双击名称可重命名；拖动卡片可调整顺序。</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="282" />
        <source>Word</source>
        <translation>词</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="283" />
        <source>e.g. a cat</source>
        <translation>例如：一只猫</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="283" />
        <source>e.g. a %1</source>
        <translation>例如 “a %1”</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="305" />
        <source>The model does not know: %1</source>
        <translation>模型不认识：%1</translation>
    </message>
    <message>
        <location filename="../ui/subjectspanel.cpp" line="311" />
        <source>What the model calls this subject. Where the prompt uses the subject's name, the model is given this word instead.</source>
        <translation>模型对该主体的称呼。提示词中使用主体名称的地方，模型将收到这个词。</translation>
    </message>
</context>
</TS>