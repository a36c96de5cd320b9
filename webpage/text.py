"""Every word the page shows, in English and in Simplified Chinese: the one place they live.

Fixed texts (titles, labels, lessons) go to the browser as Gradio translation keys (`gr.I18n(**TEXTS)`), and
Gradio picks the language from the browser's. Texts the server writes with numbers in them (the verdict, the
naive answer) are written in the language of the request's Accept-Language header, the browser's same
choice: `say(language(headers), key, **values)`.
"""

from mnist_cnn.errors import InputError
from mnist_cnn.live import CAP_S
from mnist_cnn.preprocess import UNNAMED
from mnist_cnn.segment import DOUBTS, MIXED_SIZES, NESTED, OFF_LINE, SHADED

ENGLISH = "en"
CHINESE = "zh-CN"

EN = {
    "intro": "# Handwritten digit recognition\nDraw a digit, or a number with its digits side by side: the chart "
    "follows your pen, the verdict comes after each stroke. Or upload a picture or photo of one. The squares show "
    "the 28x28 images the network actually sees; when a drawing does not look like a digit, the page says so "
    "instead of guessing.",
    "draw_tab": "Draw",
    "upload_tab": "Upload",
    "draw_here": "Draw here",
    "upload": "Picture of a digit",
    "examples": "Examples (click one)",
    "hint": "### Draw a digit (0-9) on the canvas, or a number, or upload a picture of one.",
    "chart": "Probabilities",
    "model_input": "What the network sees (28x28 per digit)",
    "naive": "What a naive page would feed it: the whole canvas squashed to 28x28",
    "article": "The article's network, on the same input",
    "compare": "**Two networks, one drawing.** The bars above are the default network's; these are the network "
    "of the article this project grew from (two 5x5 convolution layers, 98.2 % on MNIST test), trained with its "
    "recipe. The default network stacks five 3x3 convolution layers with batch normalization and was trained "
    "longer on distorted digits, on digits in other people's styles and on drawings that are not digits: "
    "so it errs about five times less on MNIST and can say when it is not sure.",
    "why_preprocessing": "**Why preprocessing matters.** MNIST's digits are white on black, fitted into a 20x20 "
    "box and centred by their mass in 28x28. Left: what the network really gets from your drawing, made that "
    "way. Right: the canvas simply resized, as many demo pages do: a thin, off-centre, dark-on-light digit the "
    "network never saw in training.",
    "naive_answer": "On the naive input the network answers **{digit}** ({percent} %).",
    "inside": "Inside the CNN: what each layer sees",
    "inside_intro": "The network's layers at work on your drawing, updated with each answer (computed only while "
    "this view is open).",
    "view_input": "Input (28x28)",
    "view_saliency": "Saliency",
    "view_kernels": "First layer's kernels",
    "view_first_maps": "First convolution layer: feature maps",
    "view_second_maps": "Second convolution layer: feature maps",
    "view_pooled": "After max pooling (14x14)",
    "view_moved": "Moved 3 pixels left, right, up and down",
    "lesson_input": "The network sees only this: 28x28 gray values, the digit white on black, centred as in MNIST.",
    "lesson_kernels": "Convolution kernel: each is a small grid of weights (white positive, black negative) slid "
    "over the image; it lights up where the image holds its pattern, such as an edge or a stroke in one "
    "direction. Parameter sharing: the same few weights are used at every position, so a 3x3 kernel has 9 "
    "weights however large the image.",
    "lesson_first_maps": "Feature maps: one per kernel, bright where that kernel's pattern occurs. Local "
    "receptive field: each pixel of a map looks only at the small patch under the kernel, not at the whole image.",
    "lesson_second_maps": "The second convolution layer's kernels look at the first layer's maps, so each pixel "
    "here sees a larger patch of the drawing: edges combine into corners, curves and line ends. Normalization: "
    "the article mentions local response normalization (LRN), which scales each response by its neighbours'; "
    "this network uses batch normalization instead, which keeps every layer's responses on one scale during "
    "training, lets it learn faster and works better, which is why LRN has gone out of use.",
    "lesson_pooled": "Pooling: max pooling keeps the strongest response in each 2x2 block, so the maps shrink "
    "to 14x14 and a stroke moved by a pixel still gives the same answer.",
    "lesson_units": "Fully connected layer: each unit in the table is a weighted sum of every pooled feature, "
    "and the last layer weighs the units into one score per digit.",
    "lesson_saliency": "Saliency: how much each input pixel changes the winning digit's score (the gradient of "
    "that score with respect to the input). Red pixels decided the answer.",
    "lesson_moved": "Translation invariance: top row, your digit moved; bottom row, one first-layer feature map "
    "for each. The maps move with the digit (the same kernel is used everywhere), and pooling and the fully "
    "connected layers let the answer survive small moves, not large ones: that is why the page centres every "
    "digit first.",
    "moved_answers": "Moved left, right, up, down, the network answers {answers} (not moved: {digit}).",
    "units_head": "The network answers {digit}. Its strongest hidden units:",
    "units_columns": "unit | activation | votes most for",
    "not_sure": "Not sure",
    "confidence": "confidence {percent} %",
    "unsure": "This does not look clearly like a digit (best guess {digit}, {percent} %).",
    "digits_read": "{count} digits, read left to right",
    "question_mark": "? = not clearly a digit: see its chart",
    "collect_note": "**Wrong? Pick the right digit** and send it. This server keeps each correction to learn from: "
    "the picture you drew or uploaded, the 28x28 image the network read, its answer, the digit you picked and the "
    "time. Nothing else about you is kept.",
    "right_label": "The right answer",
    "not_a_digit": "not a digit",
    "send_correction": "Send the correction",
    "thanks": "Thank you: kept as **{label}**.",
    "pick_label": "Pick the right digit (or \"not a digit\") first.",
    "nothing_to_correct": "Draw or upload a digit first: there is no answer to correct yet.",
    "picture_gone": "That picture is no longer on the server; draw or upload it again.",
    "corrections_full": "The corrections folder is full; this correction was not kept.",
    "corrections_quota": ("You have sent as many corrections as one visitor may this hour; thank you, this one was "
                          "not kept."),
    "unreadable": "{message}",
    "read_tab": "Read",
    "train_tab": "Train",
    "train_intro": "## Train the article's network yourself\nPick the network's parts and its training, press "
    "**Train**, and watch it learn: the loss falls, the accuracy climbs, the first layer's kernels take shape and "
    "a dozen test digits get their answers. Then draw on the **Read** tab: your network reads your drawings beside "
    "the other two. The starting point is the article's network and recipe with two changes so that a run takes "
    "about half a minute on a small server: the Adam optimizer instead of SGD with momentum 0.9 (pick SGD with "
    "learning rate 0.001 for the article's own, which needs many more epochs), and 2 epochs over 30,000 images "
    "instead of 10 over all 60,000. One run at a time on this server (the others wait in line), at most "
    f"{CAP_S} seconds each; your network stays only while this page is open.",
    "kernel_choice": "Kernel size (the article: 5x5)",
    "norm_choice": "Normalization after each convolution",
    "norm_none": "none (the article's network)",
    "norm_lrn": "local response normalization (LRN)",
    "norm_batch": "batch normalization",
    "pool_choice": "Pooling",
    "pool_max": "max (the article's)",
    "pool_avg": "average",
    "width_choice": "Feature maps in the first convolution (twice as many in the second; the article: 16)",
    "optimizer_choice": "Optimizer",
    "optimizer_sgd": "SGD with momentum 0.9 (the article's)",
    "optimizer_adam": "Adam",
    "lr_choice": "Learning rate (the article: 0.001)",
    "epochs_choice": "Epochs (the article: 10)",
    "images_choice": "Training images (1,000 of them held out to check the network; the article: 60,000)",
    "train_start": "Train",
    "train_stop": "Stop",
    "train_progress": "Progress",
    "in_line": "Another visitor's network is training: you are number {place} in line. **Stop** leaves the line.",
    "left_line": "You left the line.",
    "in_line_already": "This page already has a network training or a place in line; **Stop** it first.",
    "line_full": "The line to train is full just now; please try again in a few minutes.",
    "line_full_address": ("Your address already holds as many places in line as one address may; please try again "
                          "once one of them has trained."),
    "starting": "Starting: reading MNIST.",
    "training": "Epoch {epoch} of {epochs}, step {step} of {steps}: {seconds} s.",
    "trained": "Trained in {seconds} s. Draw on the **Read** tab: your network's chart is beside the others.",
    "stopped": "Stopped after {seconds} s, with the network as it was. Draw on the **Read** tab: your network's "
    "chart is beside the others.",
    "no_mnist": "This server has no copy of MNIST and cannot download it, so it cannot train a network.",
    "train_failed": "The training ended without a network; please try again.",
    "not_a_choice": "That is not one of the Train tab's choices; reload the page and try again.",
    "plot_loss": "Loss",
    "plot_accuracy": "Accuracy (%)",
    "plot_seconds": "seconds",
    "train_curves": "The training images are measured on the steps since the last point, the held-out images on "
    "500 images the network never learns from. With runs kept, each run is one line on the held-out images.",
    "series_training": "training images",
    "series_check": "held-out images",
    "train_plot": "Learning curves",
    "train_kernels": "The first layer's kernels, as they learn",
    "train_digits": "A dozen test digits and the network's answer on each, as it learns",
    "train_accuracy": "Test accuracy",
    "test_accuracy": "**{percent} %** of MNIST's 10,000 test digits read right.",
    "confusion_head": "Confusion matrix: one row per true digit, one column per answer.",
    "wrong_head": "Test digits it got wrong: {count} of 10,000 (the first {shown}, each with its answer).",
    "train_download": "Download your network",
    "your_model": "Your network, on the same input",
    "runs_head": "Your runs on this page (the last four), each labelled by what differs between them. Once one is "
    "kept, the plots show one line per run, on the held-out images. Pick one for the **Read** tab, or compare two "
    "runs' errors.",
    "run_label": "run",
    "run_pick": "Your network on the Read tab (and its download)",
    "run_compare": "Compare its errors with",
    "run_picked": "The **Read** tab now reads with run {label}.",
    "run_choices": "choices",
    "run_seconds": "time",
    "run_accuracy": "MNIST test",
    "run_confused": "most confused (either way)",
    "label_kernel": "{value}x{value} kernels",
    "label_norm_none": "no normalization",
    "label_norm_lrn": "LRN",
    "label_norm_batch": "batch norm",
    "label_pool_max": "max pooling",
    "label_pool_avg": "average pooling",
    "label_width": "{value} maps",
    "label_optimizer_sgd": "SGD",
    "label_optimizer_adam": "Adam",
    "label_lr": "learning rate {value}",
    "label_epochs": "{value} epochs",
    "label_images": "{value} images",
    "experiments_head": "Experiments the article suggests: each button trains a pair of runs that differ in one "
    "choice (your other choices as they are), one after the other, in the same line as any run.",
    "experiment_kernel": "Does a 3x3 kernel see enough, against the article's 5x5?",
    "experiment_norm": "Does batch normalization help the article's network?",
    "experiment_pool": "Max or average pooling?",
    "experiment_width": "How many feature maps does it need: 8 or 32?",
    "experiment_optimizer": "SGD with momentum (learning rate 0.01) or Adam (0.001)?",
    "experiment_lr": "Adam at learning rate 0.001, or at 0.03?",
    "finding": "Your runs: {first} read {first_percent} % of MNIST test, {second} {second_percent} %: {better} "
    "read {points} points more.",
    "finding_same": "Your runs: {first} read {first_percent} % of MNIST test, {second} {second_percent} %: too close "
    "for one run each to tell apart.",
    "difference_head": "Where the errors differ: {second}'s count minus {first}'s, per true digit (row) and answer "
    "(column); red where {second} errs more, green where less. Errors in all: {first_errors} and {second_errors}.",
    **{doubt: doubt for doubt in DOUBTS},  # segment's reasons for doubt are English sentences already
}

ZH = {
    "intro": "# 手写数字识别\n写一个数字，或把几个数字并排写成一个数：概率图随笔画实时变化，每写完一笔给出结论。也"
    "可以上传一张数字的图片或照片。方格里是网络真正看到的 28x28 图像；如果画的不像数字，页面会直说，而不是瞎猜。",
    "draw_tab": "手写",
    "upload_tab": "上传",
    "draw_here": "在这里写",
    "upload": "数字的图片",
    "examples": "示例（点一下）",
    "hint": "### 在画布上写一个数字（0-9）或一个多位数，或上传一张数字的图片。",
    "chart": "各数字的概率",
    "model_input": "网络看到的图像（每个数字 28x28）",
    "naive": "简单做法喂给网络的图像：整张画布直接缩成 28x28",
    "article": "文章中的网络，同一输入",
    "compare": "**两个网络，同一幅手写。** 上面的概率条来自默认网络；这里是本项目起源文章中的网络（两个 5x5 卷积层"
    "，MNIST 测试集准确率 98.2 %），按文章的方法训练。默认网络叠了五个 3x3 卷积层并加了批归一化，训练更久，还学过"
    "变形的数字、别人写法的数字和不是数字的涂鸦：所以它在 MNIST 上的错误约少五倍，并且能说出自己没把握。",
    "why_preprocessing": "**为什么要预处理。** MNIST 的数字是黑底白字，缩放到 20x20 的框里，再按质心放在 28x28 的"
    "中央。左边：按这种方式从你的手写得到的、网络真正拿到的输入。右边：很多演示页面的做法，把画布直接缩小：数字又"
    "细又偏，还是白底黑字，网络在训练中从没见过这样的图像。",
    "naive_answer": "对这个简单输入，网络的回答是 **{digit}**（{percent} %）。",
    "inside": "CNN 内部：每一层看到了什么",
    "inside_intro": "网络的各层如何处理你的手写，随每次回答更新（只在打开此视图时计算）。",
    "view_input": "输入（28x28）",
    "view_saliency": "显著图",
    "view_kernels": "第一层的卷积核",
    "view_first_maps": "第一个卷积层：特征图",
    "view_second_maps": "第二个卷积层：特征图",
    "view_pooled": "最大池化之后（14x14）",
    "view_moved": "向左、右、上、下平移 3 个像素",
    "lesson_input": "网络只看到这个：28x28 的灰度值，黑底白字，像 MNIST 一样居中。",
    "lesson_kernels": "卷积核：每个卷积核是一小格权重（白为正，黑为负），在图像上滑动；图像中出现它的图案（如某个"
    "方向的边缘或笔画）的地方，它就亮起来。参数共享：同一组权重用在每一个位置上，所以无论图像多大，一个 3x3 卷积核"
    "只有 9 个权重。",
    "lesson_first_maps": "特征图：每个卷积核对应一张，哪里出现该卷积核的图案哪里就亮。局部感受野：特征图上的每个像"
    "素只看卷积核下面的一小块，而不是整幅图像。",
    "lesson_second_maps": "第二个卷积层的卷积核看的是第一层的特征图，所以这里每个像素看到手写中更大的一块：边缘组"
    "合成角、弧线和笔画端点。归一化：文章提到局部响应归一化（LRN），它按相邻响应来缩放每个响应；本网络改用批归一化"
    "，它让每一层的响应在训练中保持在同一尺度上，学得更快、效果更好，所以 LRN 如今已很少使用。",
    "lesson_pooled": "池化：最大池化在每个 2x2 块中只保留最强的响应，特征图缩小到 14x14，笔画挪动一个像素，答案不"
    "变。",
    "lesson_units": "全连接层：表中每个单元都是所有池化特征的加权和，最后一层再把这些单元加权成每个数字的一个得分"
    "。",
    "lesson_saliency": "显著图：每个输入像素对获胜数字得分的影响有多大（该得分对输入的梯度）。红色的像素决定了答案"
    "。",
    "lesson_moved": "平移不变性：上一行是平移后的数字，下一行是对应的同一张第一层特征图。特征图随数字一起移动（同"
    "一个卷积核用在所有位置），池化和全连接层让答案经得起小的平移，但经不起大的平移：所以页面会先把每个数字居中。",
    "moved_answers": "向左、右、上、下平移后，网络的回答是 {answers}（未平移：{digit}）。",
    "units_head": "网络的回答是 {digit}。最强的隐藏单元：",
    "units_columns": "单元 | 激活值 | 最支持的数字",
    "not_sure": "没有把握",
    "confidence": "置信度 {percent} %",
    "unsure": "这看起来不太像一个数字（最可能是 {digit}，{percent} %）。",
    "digits_read": "共 {count} 个数字，从左到右读",
    "question_mark": "? = 不太像数字：见它的图表",
    "collect_note": "**认错了？选出正确的数字**并发送。本服务器会保存每条更正用于学习：你写的或上传的图片、"
    "网络读到的 28x28 图像、它的回答、你选的数字和时间。不保存关于你的其他任何信息。",
    "right_label": "正确答案",
    "not_a_digit": "不是数字",
    "send_correction": "发送更正",
    "thanks": "谢谢：已记为 **{label}**。",
    "pick_label": "请先选出正确的数字（或“不是数字”）。",
    "nothing_to_correct": "请先写或上传一个数字：还没有可以更正的回答。",
    "picture_gone": "这张图片已不在服务器上；请重新写或上传。",
    "corrections_full": "更正文件夹已满；这条更正没有保存。",
    "corrections_quota": "你在这一小时内发送的更正已达到每位访客的上限；谢谢，这条没有保存。",
    "unreadable": "无法读取这张图片：{message}",  # when a sentence has no Chinese words of its own
    "read_tab": "识别",
    "train_tab": "训练",
    "train_intro": "## 自己训练文章中的网络\n选好网络的结构和训练方法，按 **训练**，看它学习：损失下降，准确率上升，"
    "第一层的卷积核逐渐成形，十二个测试数字得到各自的回答。然后到 **识别** 页写字：你的网络和另外两个网络一起读你的"
    "手写。起点是文章中的网络和训练方法，只改了两处，让一次训练在小服务器上大约半分钟完成：用 Adam 优化器代替动量 0.9 "
    "的 SGD（选学习率 0.001 的 SGD 就是文章原来的做法，但需要多得多的训练轮数），以及在 30,000 张图像上训练 2 轮，"
    "而不是在全部 60,000 张上训练 10 轮。本服务器一次只训练一个网络（其他人排队），每次最多 "
    f"{CAP_S} 秒；你的网络只在"
    "这个页面打开期间保留。",
    "kernel_choice": "卷积核大小（文章：5x5）",
    "norm_choice": "每个卷积层之后的归一化",
    "norm_none": "无（文章中的网络）",
    "norm_lrn": "局部响应归一化（LRN）",
    "norm_batch": "批归一化",
    "pool_choice": "池化",
    "pool_max": "最大池化（文章的做法）",
    "pool_avg": "平均池化",
    "width_choice": "第一个卷积层的特征图数（第二层是它的两倍；文章：16）",
    "optimizer_choice": "优化器",
    "optimizer_sgd": "动量 0.9 的 SGD（文章的做法）",
    "optimizer_adam": "Adam（自适应矩估计）",
    "lr_choice": "学习率（文章：0.001）",
    "epochs_choice": "训练轮数（文章：10）",
    "images_choice": "训练图像数（其中 1,000 张留出来检验网络；文章：60,000）",
    "train_start": "训练",
    "train_stop": "停止",
    "train_progress": "进度",
    "in_line": "另一位访客的网络正在训练：你排在第 {place} 位。按 **停止** 离开队列。",
    "left_line": "你已离开队列。",
    "in_line_already": "这个页面已经有一个网络在训练或在排队；请先按 **停止**。",
    "line_full": "训练队列此刻已满；请几分钟后再试。",
    "line_full_address": "你的网络地址在队列中占的位置已达上限；请等其中一个训练完再试。",
    "starting": "开始：正在读取 MNIST。",
    "training": "第 {epoch} 轮（共 {epochs} 轮），第 {step} 步（共 {steps} 步）：{seconds} 秒。",
    "trained": "训练完成，用时 {seconds} 秒。到 **识别** 页写字：你的网络的概率图在另外两个旁边。",
    "stopped": "在 {seconds} 秒时停止，网络保持停止时的样子。到 **识别** 页写字：你的网络的概率图在另外两个旁边。",
    "no_mnist": "这台服务器上没有 MNIST，也无法下载，所以不能训练网络。",
    "train_failed": "训练没有得到网络就结束了；请再试一次。",
    "not_a_choice": "这不是训练页的选项；请刷新页面再试。",
    "plot_loss": "损失",
    "plot_accuracy": "准确率（%）",
    "plot_seconds": "秒",
    "train_curves": "训练图像的线在上一个点之后的训练步骤上测得，留出图像的线在 500 张网络从不用来学习的图像上测得。"
    "保留了多次训练时，每次训练是留出图像上的一条线。",
    "series_training": "训练图像",
    "series_check": "留出的图像",
    "train_plot": "学习曲线",
    "train_kernels": "第一层的卷积核，随训练变化",
    "train_digits": "十二个测试数字和网络对每个数字的回答，随训练变化",
    "train_accuracy": "测试准确率",
    "test_accuracy": "MNIST 的 10,000 个测试数字中读对了 **{percent} %**。",
    "confusion_head": "混淆矩阵：每行是真实的数字，每列是网络的回答。",
    "wrong_head": "读错的测试数字：10,000 个中有 {count} 个（下面是前 {shown} 个，各带网络的回答）。",
    "train_download": "下载你的网络",
    "your_model": "你的网络，同一输入",
    "runs_head": "你在本页训练的网络（最近四次），每次按彼此不同之处标注。保留了一次之后，图中每次训练一条线，"
    "都在留出的图像上测得。可选一个用于 **识别** 页，或比较两次的错误。",
    "run_label": "训练",
    "run_pick": "识别页上用的网络（及其下载）",
    "run_compare": "与之比较错误的网络",
    "run_picked": "**识别** 页现在用 {label} 的网络。",
    "run_choices": "选择",
    "run_seconds": "用时",
    "run_accuracy": "MNIST 测试集",
    "run_confused": "最常混淆（双向）",
    "label_kernel": "{value}x{value} 卷积核",
    "label_norm_none": "无归一化",
    "label_norm_lrn": "LRN 归一化",
    "label_norm_batch": "批归一化",
    "label_pool_max": "最大池化",
    "label_pool_avg": "平均池化",
    "label_width": "{value} 个特征图",
    "label_optimizer_sgd": "动量 SGD",
    "label_optimizer_adam": "Adam 优化器",
    "label_lr": "学习率 {value}",
    "label_epochs": "{value} 轮",
    "label_images": "{value} 张图像",
    "experiments_head": "文章建议的实验：每个按钮训练一对只差一个选择的网络（其余按你的选择），一个接一个，"
    "和其他训练一样排队。",
    "experiment_kernel": "3x3 卷积核看得够吗？和文章的 5x5 比一比。",
    "experiment_norm": "批归一化对文章的网络有帮助吗？",
    "experiment_pool": "最大池化还是平均池化？",
    "experiment_width": "需要多少个特征图：8 个还是 32 个？",
    "experiment_optimizer": "带动量的 SGD（学习率 0.01）还是 Adam（0.001）？",
    "experiment_lr": "Adam 的学习率用 0.001 还是 0.03？",
    "finding": "你的结果：{first} 在 MNIST 测试集上读对 {first_percent} %，{second} {second_percent} %："
    "{better} 多读对 {points} 个百分点。",
    "finding_same": "你的结果：{first} 在 MNIST 测试集上读对 {first_percent} %，{second} {second_percent} %："
    "差得太少，各训练一次分不出高下。",
    "difference_head": "错误的差别：{second} 的次数减去 {first} 的，按真实数字（行）和回答（列）；"
    "红色是 {second} 错得更多，绿色是更少。错误总数：{first_errors} 和 {second_errors}。",
    NESTED: "有些笔画画在别的笔画里面：这像一幅画，不像数字。",
    OFF_LINE: "这些部分不在同一行上，而一个数的各位数字应在同一行。",
    MIXED_SIZES: "这些部分大小相差太大，不像一个数的各位数字。",
    SHADED: "这些笔画挨得比一个数的各位数字还近：这像涂出来的阴影，不像数字。",
}

ZH_INPUT_ERRORS = {
    "not_a_file": "{name}不是一个文件。",
    "decode_too_many": "{name}有 {width}x{height} 个像素；JPEG 以外的图片最多读取 {megapixels} 百万像素。",
    "busy_decoding": "服务器此刻正在读取其他大图片；请稍后再发送一次。",
    "too_large": "{name}超过 {megabytes} MB；请发送小一些的图片。",
    "empty": "{name}是空的（0 字节）。",
    "claims_too_many": "{name}声称的像素超过 {megapixels} 百万像素的上限。",
    "not_an_image": "{name}不是我们能读取的图片格式（PNG、JPEG、WebP、BMP 或 GIF）。",
    "damaged": "{name}已损坏或不完整，无法解码。",
    "no_pixels": "这张图片没有像素。",
    "too_many_pixels": "这张图片有 {width}x{height} 个像素；上限是 {megapixels} 百万像素。",
    "no_digit_on_page": "这页纸上没有找到数字：请裁得近一些，或写得大一些。",
}
"""mnist_cnn's sentences about unreadable pictures (InputError's reason -> its words), in Chinese; the English
ones are the errors' own messages."""

TEXTS = {ENGLISH: EN, CHINESE: ZH, "zh": ZH}
"""Gradio's translation tables: a browser set to any Chinese gets the Simplified Chinese page."""


def language(accept_language: str | None) -> str:
    """The page's language for a request's Accept-Language header: Chinese when the browser's first choice is."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return CHINESE if first.startswith("zh") else ENGLISH


def say(lang: str, key: str, **values) -> str:
    """One text in one language, with its numbers filled in."""
    return TEXTS[lang][key].format(**values)


def unreadable(lang: str, error: InputError) -> str:
    """Why a picture cannot be read, in one sentence in one language."""
    template = ZH_INPUT_ERRORS.get(error.reason) if lang == CHINESE else None
    if template is None:
        return say(lang, "unreadable", message=error)
    details = dict(error.details)
    if "name" in details:
        details["name"] = "这张图片" if details["name"] == UNNAMED else f"图片“{details['name']}”"
    return template.format(**details)
