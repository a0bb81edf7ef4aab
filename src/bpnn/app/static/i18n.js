/* The interface in English and Chinese. English is the page's own text; this file holds
   both so the switch works both ways. */
"use strict";
window.BPI18N = (function () {
  const zh = {
    app_title: "BP 神经网络", tab_train: "训练", tab_predict: "预测", tab_timeseries: "时间序列",
    tab_learn: "学习", tab_playground: "演练场", data: "1. 数据", upload_table: "上传数据表",
    or: "或", load: "载入", formats: "CSV、TSV、Excel 或 Parquet；第一行为列名。",
    columns: "列：输入与目标", task: "任务", task_auto: "自动识别", regression: "拟合（回归）",
    classification: "模式识别（分类）", network_training: "2. 网络与训练",
    split: "划分 %（训练 / 验证 / 测试）", hidden: "隐含层大小", activation: "隐含层激活函数",
    output_activation: "输出层激活函数", algorithm: "训练算法", epochs: "训练轮数（epochs）",
    goal: "目标（训练误差）", max_fail: "验证检查次数（max_fail）", l2: "权重衰减（l2）",
    seed: "随机种子", missing: "缺失值", missing_indicator: "均值填充并加“缺失”输入", missing_error: "报错停止", missing_drop: "删除这些行",
    missing_mean: "用均值填充输入", missing_median: "用中位数填充输入", train: "训练", stop: "停止",
    progress: "3. 训练过程", epoch: "轮次", time: "时间", train_loss: "训练误差",
    val_loss: "验证误差", test_loss: "测试误差", gradient: "梯度", val_checks: "验证检查",
    results: "4. 结果", downloads: "带走结果", equivalent_cli: "命令行中的同一训练",
    equivalent_python: "同一训练的 Python 脚本", predictions_first: "预测（前几行）", plots: "图",
    compare_runs: "5. 比较多次训练", compare_hint: "修改设置再训练；勾选几次训练可并排比较其图。",
    predict_model: "1. 模型文件", upload_model: "打开 .bpnn 模型",
    safe_loader: "由 bpnn 的安全加载器读取：模型文件只含数组与设置，不含代码。",
    predict_data: "2. 新数据", predict: "预测", predictions: "预测结果",
    download_predictions: "下载预测（CSV）",
    ts_hint: "每行一个时间步，按时间顺序。要预测的序列为目标；其他列可作为输入（NARX）或忽略。",
    ts_no_export: "没有 Python / C / ONNX 导出：导出的是从一行输入到输出的静态映射，而预测器读取序列的滞后值并把输出反馈回去。请用 bpnn.load(...).predict(steps) 或 bpnn forecast 预测。",
    feedback_delays: "序列的反馈延迟", input_delays: "输入延迟（有输入列时）",
    split_block: "按时间顺序划分 %（训练 / 验证 / 测试）", forecast_steps: "闭环预测步数",
    ts_response: "序列、一步预测输出与闭环预测", m_series: "序列", m_output: "一步输出",
    m_forecast: "闭环预测", m_exog: "输入序列", ts_ensemble: "集成的网络数",
    ts_interval: "预测区间覆盖率（0 为不画）", ts_difference: "差分（0：原值）", ts_horizon: "结构搜索评估的预测步数", m_band: "预测区间",
    learn_title: "手算一步反向传播", learning_rate: "学习率 η",
    learn_hint: "教程中的算例：2-3-2 网络，logistic sigmoid，输入 (5, 10)，目标 (0.01, 0.99)。每个数都来自 `bpnn explain` 所用的同一函数。",
    prev: "◀ 上一步", next: "下一步 ▶", explain_text: "`bpnn explain` 打印的同一步",
    playground_data: "数据", pg_set: "数据集", pg_noise: "噪声", pg_train: "训练集比例",
    pg_points: "点数", playground_net: "网络", pg_layers: "隐含层", pg_network: "权重",
    pg_weights_hint: "线宽 ∝ |w|；蓝色为正，橙色为负。", pg_output: "输出",
    footer: "只在本机运行：数据不会离开这台电脑。",
    // messages from the scripts
    m_loading: "正在读取……", m_loaded: "已载入", m_rows: "行", m_cols: "列",
    m_input: "输入", m_target: "目标", m_ignore: "忽略", m_role: "用途", m_name: "列名", m_kind: "读作", m_numeric: "数值", m_categorical: "类别", m_ignored: "忽略", m_left_out: "不作输入",
    m_type: "类型", m_missing: "缺失", m_unique: "不同值", m_min: "最小", m_max: "最大",
    m_mean: "均值", m_detected: "识别为", m_training: "正在训练……", m_stopping: "正在停止（本轮结束后）……",
    m_done: "训练结束", m_stopped_after: "停止原因", m_after: "轮后", m_best_epoch: "最佳轮次",
    m_set: "集合", m_too_big: "文件太大", m_limit: "上传上限", m_no_data: "请先载入数据。",
    m_no_target: "请至少选一个目标列。", m_run: "训练", m_network: "网络", m_stop_col: "停止",
    m_compare: "比较", m_model: "模型文件", m_python: "Python 导出", m_c: "C 导出",
    m_onnx: "ONNX 导出", m_report: "HTML 报告", m_preds: "预测（CSV）", m_script: "Python 脚本",
    m_command: "命令行", m_need_model: "请先打开模型文件。", m_need_data: "请先上传新数据。",
    m_ts_missing: "时间序列页面需要 bpnn.timeseries 模块，当前版本的 bpnn 尚未包含它。该模块完成后，此页将提供延迟设置、开环训练与闭环预测。",
    m_ts_present: "类似 MATLAB 的 ntstool：NAR、NARX 与时延网络（bpnn.timeseries.BPForecaster），开环训练、闭环预测。",
    m_classes: "类别", m_inputs: "输入", m_of: "共", m_shown: "显示", m_conn: "与服务器的连接中断",
    s_forward: "前向传播", s_error: "误差", s_delta: "δ（误差项）", s_grad: "梯度", s_update: "更新",
    alg_auto: "自动（拟合用 trainlm，模式识别用 trainscg）", m_acc_train: "训练准确率", m_acc_test: "测试准确率", m_test: "测试",
  };
  const en = {
    m_loading: "Reading…", m_loaded: "Loaded", m_rows: "rows", m_cols: "columns",
    m_input: "input", m_target: "target", m_ignore: "ignore", m_role: "role", m_name: "column", m_kind: "read as", m_numeric: "numeric", m_categorical: "categorical", m_ignored: "ignored", m_left_out: "left out of the inputs",
    m_type: "type", m_missing: "missing", m_unique: "unique", m_min: "min", m_max: "max",
    m_mean: "mean", m_detected: "detected", m_training: "Training…",
    m_stopping: "Stopping after the current epoch…", m_done: "Training finished",
    m_stopped_after: "Stopped", m_after: "epochs", m_best_epoch: "best epoch", m_set: "set",
    m_too_big: "The file is too large", m_limit: "upload limit", m_no_data: "Load data first.",
    m_no_target: "Choose at least one target column.", m_run: "run", m_network: "network",
    m_stop_col: "stop", m_compare: "compare", m_model: "Model file", m_python: "Python export",
    m_c: "C export", m_onnx: "ONNX export", m_report: "HTML report", m_preds: "Predictions (CSV)",
    m_script: "Python script", m_command: "Command line",
    m_need_model: "Open a model file first.", m_need_data: "Upload new data first.",
    m_ts_missing: "The time-series page needs the bpnn.timeseries module, which this version of bpnn does not have yet. When it lands, this page will offer delays, open-loop training and closed-loop forecasts.",
    m_ts_present: "As MATLAB's ntstool: NAR, NARX and time-delay networks (bpnn.timeseries.BPForecaster), trained open loop, forecasting closed loop.",
    m_series: "series", m_output: "one-step output", m_forecast: "closed-loop forecast", m_exog: "input series",
    m_band: "forecast interval",
    m_classes: "classes", m_inputs: "inputs", m_of: "of", m_shown: "shown",
    m_conn: "The connection to the server was lost",
    s_forward: "Forward pass", s_error: "Error", s_delta: "δ (error terms)", s_grad: "Gradients",
    s_update: "Update", alg_auto: "auto (trainlm for fitting, trainscg for pattern recognition)",
    m_acc_train: "train accuracy", m_acc_test: "test accuracy", m_test: "test",
  };
  let lang = "en";
  const original = new Map();
  function t(key) {
    if (lang === "zh" && zh[key] !== undefined) return zh[key];
    if (en[key] !== undefined) return en[key];
    const el = document.querySelector(`[data-i18n="${key}"]`);
    return el && original.has(el) ? original.get(el) : key;
  }
  function apply(next) {
    lang = next === "zh" ? "zh" : "en";
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => {
      if (!original.has(el)) original.set(el, el.textContent);
      const key = el.dataset.i18n;
      el.textContent = lang === "zh" && zh[key] !== undefined ? zh[key]
        : (en[key] !== undefined ? en[key] : original.get(el));
    });
    const btn = document.getElementById("lang");
    if (btn) btn.textContent = lang === "zh" ? "English" : "中文";
    try { localStorage.setItem("bpnn-lang", lang); } catch (e) { /* private mode */ }
    document.dispatchEvent(new CustomEvent("bpnn-lang", { detail: lang }));
  }
  function initial() {
    const q = new URLSearchParams(location.search).get("lang");
    if (q) return q;
    try { return localStorage.getItem("bpnn-lang") || "en"; } catch (e) { return "en"; }
  }
  return { t: t, apply: apply, initial: initial, get lang() { return lang; } };
})();
