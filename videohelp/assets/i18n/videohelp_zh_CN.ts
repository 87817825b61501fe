<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AnswerPanel</name>
    <message>
      <source>On-air answer (at most 60 characters)</source>
      <translation>播出答案（最多60字）</translation>
    </message>
    <message>
      <source>Discard edit</source>
      <translation>放弃修改</translation>
    </message>
    <message>
      <source>Pin (P)</source>
      <translation>置顶(P)</translation>
    </message>
    <message>
      <source>Suggested answers (1–3)</source>
      <translation>推荐答案（1–3）</translation>
    </message>
    <message>
      <source>Pinned answers (Ctrl+P puts the last one back)</source>
      <translation>置顶答案（Ctrl+P 重新上屏最近一条）</translation>
    </message>
    <message>
      <source>Draft: needs the officer's confirmation before air.</source>
      <translation>草稿：须经民警主持确认后方可播出。</translation>
    </message>
    <message>
      <source>Draft</source>
      <translation>草稿</translation>
    </message>
    <message>
      <source>Reviewed</source>
      <translation>已审核</translation>
    </message>
    <message>
      <source>Select a question</source>
      <translation>请选择问题</translation>
    </message>
    <message>
      <source>No suggested answer: write one, or put the question up alone.</source>
      <translation>暂无推荐答案：请撰写答案，或仅将问题上屏。</translation>
    </message>
    <message>
      <source>Reviewed by {who} on {when}.</source>
      <translation>{who} 于 {when} 审核。</translation>
    </message>
    <message>
      <source>{n} of {max} characters</source>
      <translation>{n}/{max} 字</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>依据</translation>
    </message>
    <message>
      <source>Documents</source>
      <translation>所需材料</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>办理地点</translation>
    </message>
    <message>
      <source>Handle it online</source>
      <translation>一键办理</translation>
    </message>
    <message>
      <source>Original: {text}</source>
      <translation>原文：{text}</translation>
    </message>
    <message>
      <source>Answers for another item than the one filed: {items}</source>
      <translation>注意：部分推荐答案属于其他事项：{items}</translation>
    </message>
  </context>
  <context>
    <name>AutoAnswers</name>
    <message>
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Question</source>
      <translation>观众提问</translation>
    </message>
    <message>
      <source>Answer given</source>
      <translation>自动解答</translation>
    </message>
    <message>
      <source>Entry</source>
      <translation>知识条目</translation>
    </message>
    <message>
      <source>Confidence</source>
      <translation>把握</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Wrong answer (W)</source>
      <translation>答错了(W)</translation>
    </message>
    <message>
      <source>Withdraw this answer's entry from automatic use until it is reviewed again</source>
      <translation>撤回该条目的自动解答，重新审核后才会再次使用</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>{n} answered automatically</source>
      <translation>已自动解答 {n} 条</translation>
    </message>
    <message>
      <source>{entry} withdrawn until it is reviewed again</source>
      <translation>{entry} 已撤回，重新审核后恢复</translation>
    </message>
    <message>
      <source>Wrong: withdrawn</source>
      <translation>答错·已撤回</translation>
    </message>
    <message>
      <source>Cannot read the answers</source>
      <translation>无法读取自动解答记录</translation>
    </message>
  </context>
  <context>
    <name>CardKeys</name>
    <message>
      <source>Select a question filed under an item first</source>
      <translation>请先选择已归入事项的提问</translation>
    </message>
    <message>
      <source>Choose a question with an answer first</source>
      <translation>请先选择有答案的提问</translation>
    </message>
    <message>
      <source>{card} on screen</source>
      <translation>{card}已上屏</translation>
    </message>
    <message>
      <source>{card} off screen</source>
      <translation>{card}已下屏</translation>
    </message>
    <message>
      <source>No {card} in the rundown</source>
      <translation>图文串联单中没有{card}</translation>
    </message>
  </context>
  <context>
    <name>CatalogEditor</name>
    <message>
      <source>one per line: name | where to click</source>
      <translation>每行一条：名称 | 办理入口</translation>
    </message>
    <message>
      <source>one per line: file | 第N条</source>
      <translation>每行一条：文件 | 第N条</translation>
    </message>
    <message>
      <source>why this change (kept in the history)</source>
      <translation>修改原因（记入历史）</translation>
    </message>
    <message>
      <source>Save item</source>
      <translation>保存事项</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Who</source>
      <translation>操作人</translation>
    </message>
    <message>
      <source>Action</source>
      <translation>操作</translation>
    </message>
    <message>
      <source>Changed</source>
      <translation>修改内容</translation>
    </message>
    <message>
      <source>created</source>
      <translation>新建</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>English name</source>
      <translation>英文名称</translation>
    </message>
    <message>
      <source>Viewer words</source>
      <translation>观众说法</translation>
    </message>
    <message>
      <source>Documents</source>
      <translation>所需材料</translation>
    </message>
    <message>
      <source>Where to apply</source>
      <translation>办理渠道</translation>
    </message>
    <message>
      <source>一键办理 link</source>
      <translation>一键办理链接</translation>
    </message>
    <message>
      <source>Regulations</source>
      <translation>法规依据</translation>
    </message>
    <message>
      <source>Change note</source>
      <translation>修改说明</translation>
    </message>
    <message>
      <source>History</source>
      <translation>历史记录</translation>
    </message>
    <message>
      <source>an article line needs 'file | 第N条'</source>
      <translation>法条一行须写作“文件 | 第N条”</translation>
    </message>
    <message>
      <source>Saved.</source>
      <translation>已保存。</translation>
    </message>
    <message>
      <source>Nothing changed.</source>
      <translation>没有改动。</translation>
    </message>
    <message>
      <source>version {n}</source>
      <translation>第 {n} 版</translation>
    </message>
    <message>
      <source>first version</source>
      <translation>初始版本</translation>
    </message>
    <message>
      <source>came with the app</source>
      <translation>软件随附</translation>
    </message>
    <message>
      <source>edited</source>
      <translation>修改</translation>
    </message>
    <message>
      <source>approved</source>
      <translation>审核通过</translation>
    </message>
    <message>
      <source>imported</source>
      <translation>导入</translation>
    </message>
    <message>
      <source>sent to the experts</source>
      <translation>提交专家</translation>
    </message>
    <message>
      <source>retired</source>
      <translation>停用</translation>
    </message>
    <message>
      <source>restored</source>
      <translation>恢复</translation>
    </message>
  </context>
  <context>
    <name>CommentListModel</name>
    <message>
      <source>Chatter</source>
      <translation>闲聊</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Platform</source>
      <translation>平台</translation>
    </message>
    <message>
      <source>Viewer</source>
      <translation>观众</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>评论</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>事项</translation>
    </message>
    <message>
      <source>Asked</source>
      <translation>同问</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>{n} asked</source>
      <translation>{n} 人同问</translation>
    </message>
  </context>
  <context>
    <name>CommentState</name>
    <message>
      <source>New</source>
      <translation>新</translation>
    </message>
    <message>
      <source>Triaged</source>
      <translation>已分拣</translation>
    </message>
    <message>
      <source>Queued</source>
      <translation>待答</translation>
    </message>
    <message>
      <source>On air</source>
      <translation>播出中</translation>
    </message>
    <message>
      <source>Answered</source>
      <translation>已答复</translation>
    </message>
    <message>
      <source>Flagged</source>
      <translation>已提交专家</translation>
    </message>
    <message>
      <source>Dismissed</source>
      <translation>已忽略</translation>
    </message>
    <message>
      <source>Blocked</source>
      <translation>已屏蔽</translation>
    </message>
  </context>
  <context>
    <name>EntryEditor</name>
    <message>
      <source>one question per line, as viewers ask it</source>
      <translation>每行一个问题，按观众原话填写</translation>
    </message>
    <message>
      <source>what changed and why; note 公安部令第172号 where it applies</source>
      <translation>改了什么、为什么改；涉及公安部令第172号的请注明</translation>
    </message>
    <message>
      <source>Save (Ctrl+S)</source>
      <translation>保存(Ctrl+S)</translation>
    </message>
    <message>
      <source>Mark reviewed</source>
      <translation>标记为已审核</translation>
    </message>
    <message>
      <source>Draft: goes on air only with the officer's confirmation.</source>
      <translation>草稿：须经民警主持确认后方可播出。</translation>
    </message>
    <message>
      <source>Saved as version {n}.</source>
      <translation>已保存为第 {n} 版。</translation>
    </message>
    <message>
      <source>Marked reviewed by {name}.</source>
      <translation>已由 {name} 标记为已审核。</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>事项</translation>
    </message>
    <message>
      <source>Questions</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>On-air answer</source>
      <translation>播出答案</translation>
    </message>
    <message>
      <source>Full answer</source>
      <translation>完整答案</translation>
    </message>
    <message>
      <source>Source file</source>
      <translation>依据文件</translation>
    </message>
    <message>
      <source>Article</source>
      <translation>条款</translation>
    </message>
    <message>
      <source>Article text</source>
      <translation>条文内容</translation>
    </message>
    <message>
      <source>Change note</source>
      <translation>修改说明</translation>
    </message>
    <message>
      <source>Your name</source>
      <translation>你的姓名</translation>
    </message>
    <message>
      <source>History</source>
      <translation>历史记录</translation>
    </message>
    <message>
      <source>The rule has since changed (公安部令第172号): check before air.</source>
      <translation>该规定已有变动（公安部令第172号）：播出前请核实。</translation>
    </message>
    <message>
      <source>The regulation texts are not available on this machine.</source>
      <translation>本机没有法规原文。</translation>
    </message>
    <message>
      <source>An expert group's answer: cite the regulation file and article before review.</source>
      <translation>专家团答案：审核前请注明法规文件和条款。</translation>
    </message>
    <message>
      <source>Enter your name: every change records who made it.</source>
      <translation>请填写姓名：每次修改都会记录修改人。</translation>
    </message>
    <message>
      <source>Reviewed by {name} at {time}.</source>
      <translation>{name} 于 {time} 审核。</translation>
    </message>
    <message>
      <source>On air {count} times.</source>
      <translation>已播出 {count} 次。</translation>
    </message>
    <message>
      <source>new, not saved yet</source>
      <translation>新建，尚未保存</translation>
    </message>
    <message>
      <source>version {n}</source>
      <translation>第 {n} 版</translation>
    </message>
    <message>
      <source>Select a business item on the left first.</source>
      <translation>请先在左侧选择业务事项。</translation>
    </message>
    <message>
      <source>Restore</source>
      <translation>恢复</translation>
    </message>
    <message>
      <source>Bring a retired answer back into suggestions and search</source>
      <translation>让已停用的答案重新出现在推荐和搜索中</translation>
    </message>
    <message>
      <source>Retired: not suggested at the desk or found by its search.</source>
      <translation>已停用：导播台不再推荐，搜索也找不到。</translation>
    </message>
    <message>
      <source>Waiting for the experts.</source>
      <translation>等待专家答复。</translation>
    </message>
    <message>
      <source>Restored: suggested again.</source>
      <translation>已恢复：重新推荐。</translation>
    </message>
  </context>
  <context>
    <name>ExpertDock</name>
    <message>
      <source>Expert group</source>
      <translation>专家团</translation>
    </message>
    <message>
      <source>The expert's answer, as it will go on air (editable)</source>
      <translation>专家答案，将按此内容播出（可编辑）</translation>
    </message>
    <message>
      <source>On air as expert card</source>
      <translation>以专家卡片上屏</translation>
    </message>
    <message>
      <source>Note to the experts</source>
      <translation>给专家的备注</translation>
    </message>
    <message>
      <source>Flag selected comment to experts</source>
      <translation>将所选评论提交专家</translation>
    </message>
    <message>
      <source>No answer yet</source>
      <translation>暂无答案</translation>
    </message>
    <message>
      <source>Choose a question with an answer first</source>
      <translation>请先选择已有答案的问题</translation>
    </message>
    <message>
      <source>Select a comment in the live feed first</source>
      <translation>请先在实时评论中选择一条评论</translation>
    </message>
    <message>
      <source>Experts online: {names}</source>
      <translation>在线专家：{names}</translation>
    </message>
    <message>
      <source>note</source>
      <translation>备注</translation>
    </message>
    <message>
      <source>Flag to first answer: {time}</source>
      <translation>提交到首次答复：{time}</translation>
    </message>
    <message>
      <source>mean</source>
      <translation>平均</translation>
    </message>
    <message>
      <source>Done: {action}</source>
      <translation>已完成：{action}</translation>
    </message>
  </context>
  <context>
    <name>ExpertWindow</name>
    <message>
      <source>Connecting…</source>
      <translation>正在连接…</translation>
    </message>
    <message>
      <source>Connected</source>
      <translation>已连接</translation>
    </message>
    <message>
      <source>Offline — reconnecting</source>
      <translation>已断开 — 正在重连</translation>
    </message>
    <message>
      <source>Refused</source>
      <translation>已拒绝</translation>
    </message>
    <message>
      <source>Reviewed</source>
      <translation>已审核</translation>
    </message>
    <message>
      <source>Draft</source>
      <translation>草稿</translation>
    </message>
    <message>
      <source>videohelp — Expert group</source>
      <translation>videohelp — 专家团</translation>
    </message>
    <message>
      <source>Write the answer, or pick a suggestion above</source>
      <translation>撰写答案，或从上方选用推荐答案</translation>
    </message>
    <message>
      <source>Also save to the knowledge base as a draft</source>
      <translation>同时作为草稿存入知识库</translation>
    </message>
    <message>
      <source>Send answer (Ctrl+Enter)</source>
      <translation>发送答案(Ctrl+Enter)</translation>
    </message>
    <message>
      <source>Refused: {why}</source>
      <translation>已拒绝：{why}</translation>
    </message>
    <message>
      <source>Answer sent</source>
      <translation>答案已发送</translation>
    </message>
    <message>
      <source>Answer sent (another expert answered first)</source>
      <translation>答案已发送（已有其他专家先行答复）</translation>
    </message>
    <message>
      <source>Studio's note</source>
      <translation>直播间备注</translation>
    </message>
    <message>
      <source>Viewer's question</source>
      <translation>观众提问</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>事项</translation>
    </message>
    <message>
      <source>Suggested answers (double-click to use)</source>
      <translation>推荐答案（双击选用）</translation>
    </message>
    <message>
      <source>Answers so far (the first is shown to the studio)</source>
      <translation>已有答案（直播间显示第一条）</translation>
    </message>
    <message>
      <source>Flagged questions</source>
      <translation>已提交专家的问题</translation>
    </message>
    <message>
      <source>{n} open questions</source>
      <translation>{n} 个待答问题</translation>
    </message>
    <message>
      <source>Select a question and write an answer first</source>
      <translation>请先选择问题并撰写答案</translation>
    </message>
    <message>
      <source>▶ Explainer clip: {title} ({minutes}:{seconds:02d})</source>
      <translation>▶ 锦囊短片：{title}（{minutes}:{seconds:02d}）</translation>
    </message>
    <message>
      <source>Not sent: {why}</source>
      <translation>未发送：{why}</translation>
    </message>
  </context>
  <context>
    <name>FeedFilterBar</name>
    <message>
      <source>All platforms</source>
      <translation>全部平台</translation>
    </message>
    <message>
      <source>All classes</source>
      <translation>全部类别</translation>
    </message>
    <message>
      <source>All items</source>
      <translation>全部事项</translation>
    </message>
    <message>
      <source>All states</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <source>Filter (Ctrl+F)</source>
      <translation>筛选文字(Ctrl+F)</translation>
    </message>
    <message>
      <source>Questions only</source>
      <translation>仅看提问</translation>
    </message>
  </context>
  <context>
    <name>GoLive</name>
    <message>
      <source>Push URL (rtmp://…)</source>
      <translation>推流地址（rtmp://…）</translation>
    </message>
    <message>
      <source>Stop push</source>
      <translation>停止推流</translation>
    </message>
    <message>
      <source>Start push</source>
      <translation>开始推流</translation>
    </message>
    <message>
      <source>Stop recording</source>
      <translation>停止录制</translation>
    </message>
    <message>
      <source>Start recording</source>
      <translation>开始录制</translation>
    </message>
    <message>
      <source>Push stopped</source>
      <translation>推流已停止</translation>
    </message>
    <message>
      <source>Enter the push URL first</source>
      <translation>请先填写推流地址</translation>
    </message>
    <message>
      <source>Recording stopped: {name}</source>
      <translation>录制已停止：{name}</translation>
    </message>
    <message>
      <source>Output failed: {name}</source>
      <translation>输出失败：{name}</translation>
    </message>
    <message>
      <source>Cannot read the push URL file: {why}</source>
      <translation>无法读取推流地址文件：{why}</translation>
    </message>
    <message>
      <source>Push starting: {name}</source>
      <translation>开始推流：{name}</translation>
    </message>
    <message>
      <source>Recording: {name}</source>
      <translation>正在录制：{name}</translation>
    </message>
  </context>
  <context>
    <name>KnowledgeModel</name>
    <message>
      <source>ID</source>
      <translation>ID</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>事项</translation>
    </message>
    <message>
      <source>Question</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>On-air answer</source>
      <translation>播出答案</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>On air</source>
      <translation>播出次数</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Business items</source>
      <translation>业务事项</translation>
    </message>
    <message>
      <source>draft</source>
      <translation>草稿</translation>
    </message>
    <message>
      <source>All items ({count})</source>
      <translation>全部事项（{count}）</translation>
    </message>
    <message>
      <source>reviewed by {name}</source>
      <translation>{name} 已审核</translation>
    </message>
    <message>
      <source>retired</source>
      <translation>已停用</translation>
    </message>
    <message>
      <source>needs expert</source>
      <translation>待专家</translation>
    </message>
    <message>
      <source>The knowledge base is busy (another program is writing to it): try again.</source>
      <translation>知识库正忙（另一个程序正在写入）：请稍后重试。</translation>
    </message>
    <message>
      <source>The knowledge base cannot be read: {why}</source>
      <translation>无法读取知识库：{why}</translation>
    </message>
  </context>
  <context>
    <name>KnowledgeView</name>
    <message>
      <source>Search questions and answers: 驾照 换证, 电驴 上牌 …</source>
      <translation>搜索问题和答案：驾照 换证、电驴 上牌 …</translation>
    </message>
    <message>
      <source>New answer</source>
      <translation>新建答案</translation>
    </message>
    <message>
      <source>A new entry for the item selected on the left</source>
      <translation>为左侧所选事项新建一条答案</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>答案</translation>
    </message>
    <message>
      <source>Business item</source>
      <translation>业务事项</translation>
    </message>
    <message>
      <source>Answered automatically</source>
      <translation>自动解答</translation>
    </message>
    <message>
      <source>Knowledge base</source>
      <translation>知识库</translation>
    </message>
    <message>
      <source>Review drafts (Ctrl+R)</source>
      <translation>审核草稿 (Ctrl+R)</translation>
    </message>
    <message>
      <source>One draft at a time beside its article: approve, edit, send to the experts or retire</source>
      <translation>逐条对照法规条文审核草稿：通过、修改、提交专家或停用</translation>
    </message>
    <message>
      <source>The knowledge base cannot be opened: {why}</source>
      <translation>无法打开知识库：{why}</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Re-file</source>
      <translation>重新归类</translation>
    </message>
    <message>
      <source>File this comment under:</source>
      <translation>将此评论归入：</translation>
    </message>
    <message>
      <source>⚠ Error recorded; report: {path}</source>
      <translation>⚠ 已记录错误；报告：{path}</translation>
    </message>
    <message>
      <source>Shortcuts</source>
      <translation>快捷键</translation>
    </message>
    <message>
      <source>No question waiting</source>
      <translation>没有待答问题</translation>
    </message>
    <message>
      <source>Select a comment first</source>
      <translation>请先选择一条评论</translation>
    </message>
    <message>
      <source>No answer to pin</source>
      <translation>没有可置顶的答案</translation>
    </message>
    <message>
      <source>Nothing on air</source>
      <translation>当前无上屏内容</translation>
    </message>
    <message>
      <source>On air: {text}</source>
      <translation>播出中：{text}</translation>
    </message>
    <message>
      <source>Chatter (not a question)</source>
      <translation>闲聊（非提问）</translation>
    </message>
    <message>
      <source>Draft answer: only the officer can confirm it for air</source>
      <translation>草稿答案：只有民警主持可以确认播出</translation>
    </message>
    <message>
      <source>Draft answer, not yet reviewed: press Enter again to confirm it for air</source>
      <translation>草稿答案，尚未审核：再按一次 Enter 确认播出</translation>
    </message>
    <message>
      <source>videohelp — Live desk</source>
      <translation>videohelp — 直播台</translation>
    </message>
    <message>
      <source>Live comments</source>
      <translation>实时评论</translation>
    </message>
    <message>
      <source>Next card</source>
      <translation>下一张（预览）</translation>
    </message>
    <message>
      <source>Program</source>
      <translation>节目画面</translation>
    </message>
    <message>
      <source>Graphics rundown</source>
      <translation>图文串联单</translation>
    </message>
    <message>
      <source>Return monitor</source>
      <translation>回看监视</translation>
    </message>
    <message>
      <source>Explainer clips</source>
      <translation>锦囊口袋</translation>
    </message>
    <message>
      <source>Question queue</source>
      <translation>问题队列</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>答案</translation>
    </message>
    <message>
      <source>On screen (Enter)</source>
      <translation>上屏(Enter)</translation>
    </message>
    <message>
      <source>Off screen (Esc)</source>
      <translation>下屏(Esc)</translation>
    </message>
    <message>
      <source>CLEAR ALL (F12)</source>
      <translation>全部下屏(F12)</translation>
    </message>
    <message>
      <source>Reset layout for this role</source>
      <translation>恢复本席位默认布局</translation>
    </message>
    <message>
      <source>Daily review…</source>
      <translation>每日复盘…</translation>
    </message>
    <message>
      <source>&amp;Show</source>
      <translation>节目(&amp;S)</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <source>&amp;Review</source>
      <translation>复盘(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>Dark studio theme</source>
      <translation>深色演播室主题</translation>
    </message>
    <message>
      <source>Light theme</source>
      <translation>浅色主题</translation>
    </message>
  </context>
  <context>
    <name>PocketPanel</name>
    <message>
      <source>Search clips (titles, tags, items)</source>
      <translation>搜索锦囊（标题、标签、业务）</translation>
    </message>
    <message>
      <source>Preview</source>
      <translation>预览</translation>
    </message>
    <message>
      <source>Play to program</source>
      <translation>播出</translation>
    </message>
    <message>
      <source>Stop clip</source>
      <translation>停止锦囊</translation>
    </message>
    <message>
      <source> (not reviewed)</source>
      <translation>（未审核）</translation>
    </message>
    <message>
      <source>Explainer clips: search results</source>
      <translation>锦囊口袋：搜索结果</translation>
    </message>
    <message>
      <source>On air: {title}</source>
      <translation>播出中：{title}</translation>
    </message>
    <message>
      <source>No clip on air</source>
      <translation>没有锦囊在播</translation>
    </message>
    <message>
      <source>On air: {title} — {left} left, then back</source>
      <translation>播出中：{title} — 还剩 {left}，结束后切回</translation>
    </message>
    <message>
      <source>{title}{status}
{duration} · aired {plays}×</source>
      <translation>{title}{status}
{duration} · 已播 {plays} 次</translation>
    </message>
    <message>
      <source>Explainer clips for {item}</source>
      <translation>锦囊口袋：{item}</translation>
    </message>
    <message>
      <source>Explainer clips: select a question or search</source>
      <translation>锦囊口袋：选中问题或搜索</translation>
    </message>
  </context>
  <context>
    <name>Monitors</name>
    <message>
      <source>starting</source>
      <translation>启动中</translation>
    </message>
    <message>
      <source>live</source>
      <translation>直播中</translation>
    </message>
    <message>
      <source>reconnecting</source>
      <translation>重连中</translation>
    </message>
    <message>
      <source>stopped</source>
      <translation>已停止</translation>
    </message>
    <message>
      <source>failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <source>Next (preview)</source>
      <translation>下一张（预览）</translation>
    </message>
    <message>
      <source>Program (on air)</source>
      <translation>节目画面（播出）</translation>
    </message>
    <message>
      <source>Not streaming or recording (preview only)</source>
      <translation>未推流、未录制（仅预览）</translation>
    </message>
    <message>
      <source>Select a question to see its card</source>
      <translation>选择一条提问即可预览其卡片</translation>
    </message>
    <message>
      <source>{kbps} kbit/s, {dropped} dropped, {reconnects} reconnects</source>
      <translation>{kbps} kbit/s，丢帧 {dropped}，重连 {reconnects} 次</translation>
    </message>
  </context>
  <context>
    <name>QuestionListModel</name>
    <message>
      <source>answered by {expert} in {time}</source>
      <translation>{expert} 用时 {time} 答复</translation>
    </message>
    <message>
      <source>waiting {time}</source>
      <translation>已等待 {time}</translation>
    </message>
    <message>
      <source> (+{n} more)</source>
      <translation>（另有 {n} 条）</translation>
    </message>
  </context>
  <context>
    <name>QuestionQueueModel</name>
    <message>
      <source>Next</source>
      <translation>待答</translation>
    </message>
    <message>
      <source>Question</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>事项</translation>
    </message>
    <message>
      <source>Asked</source>
      <translation>同问</translation>
    </message>
    <message>
      <source>Waited</source>
      <translation>已等待</translation>
    </message>
  </context>
  <context>
    <name>RemoteDesk</name>
    <message>
      <source>Connected to the console</source>
      <translation>已连接演播室主机</translation>
    </message>
    <message>
      <source>Connecting to the console…</source>
      <translation>正在连接演播室主机…</translation>
    </message>
    <message>
      <source>Console unreachable: reconnecting</source>
      <translation>演播室主机无法连接：正在重连</translation>
    </message>
    <message>
      <source>Refused by the console: {why}</source>
      <translation>演播室主机拒绝连接：{why}</translation>
    </message>
    <message>
      <source>this token is another role's seat</source>
      <translation>此令牌属于其他角色的席位</translation>
    </message>
    <message>
      <source>the token is wrong or revoked</source>
      <translation>令牌错误或已吊销</translation>
    </message>
    <message>
      <source>the console's certificate is not the one trusted</source>
      <translation>演播室主机的证书不是所信任的证书</translation>
    </message>
    <message>
      <source>cannot connect</source>
      <translation>无法连接</translation>
    </message>
    <message>
      <source>New</source>
      <translation>新</translation>
    </message>
    <message>
      <source>Filed</source>
      <translation>已分拣</translation>
    </message>
    <message>
      <source>Next up</source>
      <translation>待答</translation>
    </message>
    <message>
      <source>On air</source>
      <translation>播出中</translation>
    </message>
    <message>
      <source>With the experts</source>
      <translation>已提交专家</translation>
    </message>
    <message>
      <source>Desk (remote)</source>
      <translation>导播台（远程）</translation>
    </message>
    <message>
      <source>Program</source>
      <translation>节目</translation>
    </message>
    <message>
      <source>CLEAR ALL (F12)</source>
      <translation>全部下屏(F12)</translation>
    </message>
    <message>
      <source>Waiting for the picture…</source>
      <translation>等待画面…</translation>
    </message>
    <message>
      <source>The answer on air (pick a suggestion with 1-3, or type)</source>
      <translation>上屏答案（按 1-3 选推荐答案，或直接输入）</translation>
    </message>
    <message>
      <source>Note for the experts (optional)</source>
      <translation>给专家的说明（可选）</translation>
    </message>
    <message>
      <source>Connecting…</source>
      <translation>正在连接…</translation>
    </message>
    <message>
      <source>Re-file</source>
      <translation>改为其他业务</translation>
    </message>
    <message>
      <source>Business item:</source>
      <translation>业务事项：</translation>
    </message>
    <message>
      <source>Connected</source>
      <translation>已连接</translation>
    </message>
    <message>
      <source>Offline — reconnecting</source>
      <translation>已断开 — 正在重连</translation>
    </message>
    <message>
      <source>Viewer</source>
      <translation>观众</translation>
    </message>
    <message>
      <source>Question</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>业务</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>No question waiting</source>
      <translation>没有待答问题</translation>
    </message>
    <message>
      <source>Select a question first</source>
      <translation>请先选择一个问题</translation>
    </message>
    <message>
      <source>Draft answer: only the officer can confirm it for air</source>
      <translation>草稿答案：只有民警主持可以确认播出</translation>
    </message>
    <message>
      <source>Draft answer, not yet reviewed: press Enter again to confirm it for air</source>
      <translation>草稿答案，尚未审核：再按一次 Enter 确认播出</translation>
    </message>
    <message>
      <source>Desk (remote): {name}</source>
      <translation>导播台（远程）：{name}</translation>
    </message>
    <message>
      <source>On air: {layers}</source>
      <translation>在播：{layers}</translation>
    </message>
    <message>
      <source>Refused: {why}</source>
      <translation>已拒绝：{why}</translation>
    </message>
    <message>
      <source>Done: {action}</source>
      <translation>已完成：{action}</translation>
    </message>
  </context>
  <context>
    <name>ReportDialog</name>
    <message>
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Platform</source>
      <translation>平台</translation>
    </message>
    <message>
      <source>Viewer</source>
      <translation>观众</translation>
    </message>
    <message>
      <source>Question</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>事项</translation>
    </message>
    <message>
      <source>Asked</source>
      <translation>提问数</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Figure</source>
      <translation>指标</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>数值</translation>
    </message>
    <message>
      <source>Comments</source>
      <translation>评论数</translation>
    </message>
    <message>
      <source>Share</source>
      <translation>占比</translation>
    </message>
    <message>
      <source>This period</source>
      <translation>本期</translation>
    </message>
    <message>
      <source>Previous</source>
      <translation>上期</translation>
    </message>
    <message>
      <source>A week earlier</source>
      <translation>上周同期</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Answered</source>
      <translation>已答复</translation>
    </message>
    <message>
      <source>Wordings</source>
      <translation>观众说法</translation>
    </message>
    <message>
      <source>Answer given</source>
      <translation>播出答案</translation>
    </message>
    <message>
      <source>Review</source>
      <translation>审核状态</translation>
    </message>
    <message>
      <source>Daily review</source>
      <translation>每日复盘</translation>
    </message>
    <message>
      <source>Compute</source>
      <translation>统计</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Choose the days and press Compute.</source>
      <translation>请选择日期，然后点击“统计”。</translation>
    </message>
    <message>
      <source>From</source>
      <translation>从</translation>
    </message>
    <message>
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <source>Computing the review for {days}…</source>
      <translation>正在统计 {days} 的复盘…</translation>
    </message>
    <message>
      <source>Failed: {why}</source>
      <translation>失败：{why}</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>已取消。</translation>
    </message>
    <message>
      <source>Review of {days}</source>
      <translation>{days} 复盘</translation>
    </message>
    <message>
      <source>Export</source>
      <translation>导出</translation>
    </message>
    <message>
      <source>Exported to {path}</source>
      <translation>已导出到 {path}</translation>
    </message>
    <message>
      <source>Writing {count} follow-ups…</source>
      <translation>正在写入 {count} 条待跟进…</translation>
    </message>
    <message>
      <source>Export HTML…</source>
      <translation>导出 HTML…</translation>
    </message>
    <message>
      <source>Export PDF…</source>
      <translation>导出 PDF…</translation>
    </message>
    <message>
      <source>Export follow-up list…</source>
      <translation>导出待跟进清单…</translation>
    </message>
    <message>
      <source>Export script…</source>
      <translation>导出稿件…</translation>
    </message>
    <message>
      <source>&lt;b&gt;{klass}&lt;/b&gt; {name}: asked {asked} times, {distinct} distinct questions, {answered} answered</source>
      <translation>&lt;b&gt;{klass}&lt;/b&gt; {name}：提问 {asked} 次，不同问题 {distinct} 个，已答复 {answered} 个</translation>
    </message>
    <message>
      <source>Figures</source>
      <translation>数据</translation>
    </message>
    <message>
      <source>Top questions</source>
      <translation>热点问题</translation>
    </message>
    <message>
      <source>Follow-up ({count})</source>
      <translation>待跟进（{count}）</translation>
    </message>
    <message>
      <source>车管资讯 script</source>
      <translation>车管资讯稿</translation>
    </message>
    <message>
      <source>Text (*.txt)</source>
      <translation>文本文件 (*.txt)</translation>
    </message>
    <message>
      <source>Export failed: {why}</source>
      <translation>导出失败：{why}</translation>
    </message>
  </context>
  <context>
    <name>ReturnMonitor</name>
    <message>
      <source>opening</source>
      <translation>正在打开</translation>
    </message>
    <message>
      <source>playing</source>
      <translation>正在播放</translation>
    </message>
    <message>
      <source>paused</source>
      <translation>已暂停</translation>
    </message>
    <message>
      <source>stopped</source>
      <translation>已停止</translation>
    </message>
    <message>
      <source>ended</source>
      <translation>已结束</translation>
    </message>
    <message>
      <source>error</source>
      <translation>出错</translation>
    </message>
    <message>
      <source>Platform pull URL (rtmp://, https://…flv, .m3u8)</source>
      <translation>平台拉流地址（rtmp://、https://…flv、.m3u8）</translation>
    </message>
    <message>
      <source>Play</source>
      <translation>播放</translation>
    </message>
    <message>
      <source>Stop</source>
      <translation>停止</translation>
    </message>
    <message>
      <source>Enter the platform's pull URL first</source>
      <translation>请先填写平台拉流地址</translation>
    </message>
  </context>
  <context>
    <name>Recovery</name>
    <message>
      <source>Retake (Ctrl+Shift+R)</source>
      <translation>重新上屏（Ctrl+Shift+R）</translation>
    </message>
    <message>
      <source>Dismiss</source>
      <translation>忽略</translation>
    </message>
    <message>
      <source>{card}: {question}</source>
      <translation>{card}：{question}</translation>
    </message>
    <message>
      <source>; </source>
      <translation>；</translation>
    </message>
    <message>
      <source>On air before the crash: {cards}</source>
      <translation>崩溃前在播：{cards}</translation>
    </message>
    <message>
      <source>Back after a crash: {n} unsent edits and pins restored; nothing went on air by itself</source>
      <translation>已从崩溃中恢复：找回 {n} 条未播修改和置顶答案；没有任何画面自动上屏</translation>
    </message>
    <message>
      <source>Outputs restarted: {names}</source>
      <translation>已重新开始输出：{names}</translation>
    </message>
    <message>
      <source>Start again by hand: {names}</source>
      <translation>请手动重新开始：{names}</translation>
    </message>
  </context>
  <context>
    <name>Rundown</name>
    <message>
      <source>Take</source>
      <translation>上屏</translation>
    </message>
    <message>
      <source>Update</source>
      <translation>更新</translation>
    </message>
    <message>
      <source>Clear layer</source>
      <translation>本层下屏</translation>
    </message>
    <message>
      <source>Graphics rundown</source>
      <translation>图文串联单</translation>
    </message>
    <message>
      <source>No graphics on air</source>
      <translation>当前无图文上屏</translation>
    </message>
    <message>
      <source>out in {s:.0f}s</source>
      <translation>{s:.0f} 秒后下屏</translation>
    </message>
    <message>
      <source>out after {s:.0f}s</source>
      <translation>{s:.0f} 秒后自动下屏</translation>
    </message>
  </context>
  <context>
    <name>Shortcuts</name>
    <message>
      <source>Next question (selects its best answer)</source>
      <translation>下一个问题（自动选中最佳答案）</translation>
    </message>
    <message>
      <source>Question-and-answer card on screen</source>
      <translation>问答卡片上屏</translation>
    </message>
    <message>
      <source>Question card on screen without an answer</source>
      <translation>仅问题卡片上屏（不带答案）</translation>
    </message>
    <message>
      <source>Mark answered (card off screen)</source>
      <translation>标记为已答复（卡片下屏）</translation>
    </message>
    <message>
      <source>Question card off screen</source>
      <translation>问题卡片下屏</translation>
    </message>
    <message>
      <source>CLEAR ALL: every card off screen at once</source>
      <translation>全部下屏：所有卡片立即下屏</translation>
    </message>
    <message>
      <source>CLEAR ALL (second key)</source>
      <translation>全部下屏（备用键）</translation>
    </message>
    <message>
      <source>Retake the cards that were on air before a crash</source>
      <translation>重新上屏崩溃前在播的字幕卡</translation>
    </message>
    <message>
      <source>Play the chosen explainer clip to program (back to the camera at its end)</source>
      <translation>播出选中的锦囊短片（结束后切回镜头）</translation>
    </message>
    <message>
      <source>Stop the explainer clip on air</source>
      <translation>停止正在播出的锦囊短片</translation>
    </message>
    <message>
      <source>Add the selected comment to next up</source>
      <translation>将所选评论加入待答</translation>
    </message>
    <message>
      <source>Move up in next up</source>
      <translation>待答中上移</translation>
    </message>
    <message>
      <source>Move down in next up</source>
      <translation>待答中下移</translation>
    </message>
    <message>
      <source>Flag the selected question to the experts</source>
      <translation>将所选问题提交专家</translation>
    </message>
    <message>
      <source>Dismiss the selected comment</source>
      <translation>忽略所选评论</translation>
    </message>
    <message>
      <source>Re-file the selected comment to another item</source>
      <translation>将所选评论重新归入其他事项</translation>
    </message>
    <message>
      <source>Choose suggested answer 1</source>
      <translation>选用推荐答案 1</translation>
    </message>
    <message>
      <source>Choose suggested answer 2</source>
      <translation>选用推荐答案 2</translation>
    </message>
    <message>
      <source>Choose suggested answer 3</source>
      <translation>选用推荐答案 3</translation>
    </message>
    <message>
      <source>Pin the chosen answer</source>
      <translation>置顶所选答案</translation>
    </message>
    <message>
      <source>Put the last pinned answer back on screen</source>
      <translation>将最近置顶的答案重新上屏</translation>
    </message>
    <message>
      <source>Edit the on-air answer before it goes on screen</source>
      <translation>上屏前修改播出答案</translation>
    </message>
    <message>
      <source>One-stop QR code of the question's item on / off</source>
      <translation>当前事项一键办理二维码 上屏/下屏</translation>
    </message>
    <message>
      <source>Expert card for the chosen answer on / off</source>
      <translation>所选答案的专家解答卡 上屏/下屏</translation>
    </message>
    <message>
      <source>Next lower third from the rundown</source>
      <translation>下一条人名条（串联单）</translation>
    </message>
    <message>
      <source>Lower third off</source>
      <translation>人名条下屏</translation>
    </message>
    <message>
      <source>Ticker on / off</source>
      <translation>滚动字幕 上屏/下屏</translation>
    </message>
    <message>
      <source>Clock on / off</source>
      <translation>时钟 上屏/下屏</translation>
    </message>
    <message>
      <source>Go to the live feed</source>
      <translation>转到实时评论</translation>
    </message>
    <message>
      <source>Go to the question queue</source>
      <translation>转到问题队列</translation>
    </message>
    <message>
      <source>Go to the graphics rundown</source>
      <translation>转到图文串联单</translation>
    </message>
    <message>
      <source>Filter the live feed</source>
      <translation>筛选实时评论</translation>
    </message>
    <message>
      <source>Knowledge base</source>
      <translation>知识库</translation>
    </message>
    <message>
      <source>List of shortcuts</source>
      <translation>快捷键列表</translation>
    </message>
  </context>
  <context>
    <name>ShowActions</name>
    <message>
      <source>Refused</source>
      <translation>操作被拒绝</translation>
    </message>
    <message>
      <source>As {role} you may not: {action}</source>
      <translation>{role}角色无权{action}</translation>
    </message>
    <message>
      <source>Draft answer: only the officer can confirm it for air</source>
      <translation>草稿答案：只有民警可以确认上屏</translation>
    </message>
    <message>
      <source>Not possible in the comment's current state</source>
      <translation>评论当前状态下无法执行</translation>
    </message>
    <message>
      <source>A blocked comment never goes on air</source>
      <translation>已屏蔽的评论不能上屏</translation>
    </message>
    <message>
      <source>Not found (changed meanwhile?)</source>
      <translation>未找到（可能已被他人更改）</translation>
    </message>
    <message>
      <source>The question is not with the experts</source>
      <translation>该问题未提交专家</translation>
    </message>
    <message>
      <source>Unknown business item: {item}</source>
      <translation>未知业务事项：{item}</translation>
    </message>
    <message>
      <source>The card cannot be shown</source>
      <translation>无法显示该卡片</translation>
    </message>
    <message>
      <source>The text cannot go on air (too long or invalid)</source>
      <translation>该文本不能上屏（过长或含无效字符）</translation>
    </message>
    <message>
      <source>officer</source>
      <translation>民警</translation>
    </message>
    <message>
      <source>presenter</source>
      <translation>主持人</translation>
    </message>
    <message>
      <source>producer</source>
      <translation>制片</translation>
    </message>
    <message>
      <source>expert</source>
      <translation>专家</translation>
    </message>
    <message>
      <source>automation</source>
      <translation>自动化</translation>
    </message>
    <message>
      <source>answering service</source>
      <translation>智能问答服务</translation>
    </message>
    <message>
      <source>send to the experts</source>
      <translation>提交专家</translation>
    </message>
    <message>
      <source>answer</source>
      <translation>回答</translation>
    </message>
    <message>
      <source>re-file</source>
      <translation>重新归类</translation>
    </message>
    <message>
      <source>queue</source>
      <translation>加入队列</translation>
    </message>
    <message>
      <source>dismiss</source>
      <translation>忽略</translation>
    </message>
    <message>
      <source>mark answered</source>
      <translation>标为已答</translation>
    </message>
    <message>
      <source>put on air</source>
      <translation>上屏</translation>
    </message>
    <message>
      <source>update the card</source>
      <translation>更新卡片</translation>
    </message>
    <message>
      <source>take off air</source>
      <translation>下屏</translation>
    </message>
    <message>
      <source>clear all</source>
      <translation>全部下屏</translation>
    </message>
    <message>
      <source>confirm a draft answer</source>
      <translation>确认草稿答案上屏</translation>
    </message>
    <message>
      <source>Cannot open the source {item} (not found or not a video)</source>
      <translation>无法打开信号源 {item}（找不到或不是视频）</translation>
    </message>
    <message>
      <source>switch the program's source</source>
      <translation>切换节目信号源</translation>
    </message>
  </context>
  <context>
    <name>StatusPanel</name>
    <message>
      <source>demo feed</source>
      <translation>演示评论</translation>
    </message>
    <message>
      <source>Bridges: {list}</source>
      <translation>接入桥：{list}</translation>
    </message>
    <message>
      <source>Experts online: {n}</source>
      <translation>在线专家：{n}</translation>
    </message>
    <message>
      <source>Outputs: {list}</source>
      <translation>输出：{list}</translation>
    </message>
    <message>
      <source>{n} comments/min</source>
      <translation>每分钟 {n} 条评论</translation>
    </message>
    <message>
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <source>preview only</source>
      <translation>仅预览</translation>
    </message>
  </context>
  <context>
    <name>ReviewDialog</name>
    <message>
      <source>Disagrees with {other} of the same item: decide which is right</source>
      <translation>与同一事项的 {other} 说法不一致：请确定哪条正确</translation>
    </message>
    <message>
      <source>Nearly the same answer as {text} under another item</source>
      <translation>与其他事项的 {text} 答案几乎相同</translation>
    </message>
    <message>
      <source>Figures not in the cited article ({text})</source>
      <translation>引用条文中没有的数字（{text}）</translation>
    </message>
    <message>
      <source>No longer true on air: {text}</source>
      <translation>播出内容已过时：{text}</translation>
    </message>
    <message>
      <source>Citation: {text}</source>
      <translation>引用：{text}</translation>
    </message>
    <message>
      <source>Review answers</source>
      <translation>审核答案</translation>
    </message>
    <message>
      <source>Note for the history (optional): why, what to check</source>
      <translation>审核备注（可选）：原因、需专家核实的内容</translation>
    </message>
    <message>
      <source>&lt;b&gt;A&lt;/b&gt; approve · &lt;b&gt;E&lt;/b&gt; edit · &lt;b&gt;X&lt;/b&gt; needs expert · &lt;b&gt;R&lt;/b&gt; retire · &lt;b&gt;→&lt;/b&gt; skip · &lt;b&gt;←&lt;/b&gt; back · &lt;b&gt;Esc&lt;/b&gt; close</source>
      <translation>&lt;b&gt;A&lt;/b&gt; 通过 · &lt;b&gt;E&lt;/b&gt; 修改 · &lt;b&gt;X&lt;/b&gt; 提交专家 · &lt;b&gt;R&lt;/b&gt; 停用 · &lt;b&gt;→&lt;/b&gt; 跳过 · &lt;b&gt;←&lt;/b&gt; 上一条 · &lt;b&gt;Esc&lt;/b&gt; 关闭</translation>
    </message>
    <message>
      <source>Reviewer</source>
      <translation>审核人</translation>
    </message>
    <message>
      <source>Drafts of</source>
      <translation>审核范围</translation>
    </message>
    <message>
      <source>the {n} most-asked items</source>
      <translation>被问最多的 {n} 个事项</translation>
    </message>
    <message>
      <source>all items</source>
      <translation>全部事项</translation>
    </message>
    <message>
      <source>asked {n}×</source>
      <translation>被问 {n} 次</translation>
    </message>
    <message>
      <source>Reviewed</source>
      <translation>已审核</translation>
    </message>
    <message>
      <source>{n} with the experts</source>
      <translation>{n} 条待专家</translation>
    </message>
    <message>
      <source>{n} retired</source>
      <translation>{n} 条已停用</translation>
    </message>
    <message>
      <source>Nothing left to review here.</source>
      <translation>此范围内没有待审核的草稿。</translation>
    </message>
    <message>
      <source>Choose all items above to review the rest.</source>
      <translation>在上方选择“全部事项”审核其余草稿。</translation>
    </message>
    <message>
      <source>Viewers asked this item {n} times.</source>
      <translation>观众已就此事项提问 {n} 次。</translation>
    </message>
    <message>
      <source>Check before approving</source>
      <translation>通过前请核对</translation>
    </message>
    <message>
      <source>Questions</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>On-air answer</source>
      <translation>播出答案</translation>
    </message>
    <message>
      <source>Full answer</source>
      <translation>完整答案</translation>
    </message>
    <message>
      <source>Change note</source>
      <translation>修改说明</translation>
    </message>
    <message>
      <source>The regulation texts are not available on this machine.</source>
      <translation>本机没有法规文本。</translation>
    </message>
    <message>
      <source>An expert group's answer: cite the regulation file and article before review.</source>
      <translation>专家组答复：审核前请引用法规文件和条款。</translation>
    </message>
    <message>
      <source>(the studio's text)</source>
      <translation>（演播室添加的文本）</translation>
    </message>
    <message>
      <source>{id} approved: it may go on air.</source>
      <translation>{id} 已通过，可以播出。</translation>
    </message>
    <message>
      <source>{id} sent to the experts.</source>
      <translation>{id} 已提交专家。</translation>
    </message>
    <message>
      <source>{id} retired: no longer suggested.</source>
      <translation>{id} 已停用，不再推荐。</translation>
    </message>
    <message>
      <source>{id} saved as version {n}: approve it with A.</source>
      <translation>{id} 已保存为第 {n} 版，按 A 通过。</translation>
    </message>
    <message>
      <source>{id} has something to check (above): press A again to approve it anyway.</source>
      <translation>{id} 有需核对之处（见上方）：再按一次 A 仍然通过。</translation>
    </message>
  </context>
  <context>
    <name>Words</name>
    <message>
      <source>Sent to the experts</source>
      <translation>已提交专家</translation>
    </message>
    <message>
      <source>Expert answer sent</source>
      <translation>专家答复已发送</translation>
    </message>
    <message>
      <source>Re-filed</source>
      <translation>已改归事项</translation>
    </message>
    <message>
      <source>Queued</source>
      <translation>已加入待答</translation>
    </message>
    <message>
      <source>Dismissed</source>
      <translation>已忽略</translation>
    </message>
    <message>
      <source>Marked answered</source>
      <translation>已标记为已答</translation>
    </message>
    <message>
      <source>On screen</source>
      <translation>已上屏</translation>
    </message>
    <message>
      <source>Card updated</source>
      <translation>卡片已更新</translation>
    </message>
    <message>
      <source>Off screen</source>
      <translation>已下屏</translation>
    </message>
    <message>
      <source>Everything off screen</source>
      <translation>已全部下屏</translation>
    </message>
    <message>
      <source>Draft confirmed for air</source>
      <translation>草稿已确认播出</translation>
    </message>
    <message>
      <source>Q&amp;A card</source>
      <translation>问答卡</translation>
    </message>
    <message>
      <source>Lower third</source>
      <translation>人名条</translation>
    </message>
    <message>
      <source>Ticker</source>
      <translation>滚动字幕</translation>
    </message>
    <message>
      <source>Clock</source>
      <translation>时钟</translation>
    </message>
    <message>
      <source>One-stop QR code</source>
      <translation>一键办理二维码</translation>
    </message>
    <message>
      <source>Expert card</source>
      <translation>专家解答卡</translation>
    </message>
    <message>
      <source>Logo</source>
      <translation>台标</translation>
    </message>
    <message>
      <source>Title card</source>
      <translation>标题卡</translation>
    </message>
    <message>
      <source>Card</source>
      <translation>卡片</translation>
    </message>
    <message>
      <source>Source switched</source>
      <translation>已切换信号源</translation>
    </message>
  </context>
  <context>
    <name>SourcePicker</name>
    <message>
      <source>Videos (*.mp4 *.mov *.mkv *.avi *.flv *.ts *.webm);;All files (*)</source>
      <translation>视频文件 (*.mp4 *.mov *.mkv *.avi *.flv *.ts *.webm);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Test pattern</source>
      <translation>测试信号</translation>
    </message>
    <message>
      <source>Camera {n}</source>
      <translation>摄像头 {n}</translation>
    </message>
    <message>
      <source>File: {name}</source>
      <translation>文件：{name}</translation>
    </message>
    <message>
      <source>Clip: {name}</source>
      <translation>片段：{name}</translation>
    </message>
    <message>
      <source>Phone (WHIP)</source>
      <translation>手机推流（WHIP）</translation>
    </message>
    <message>
      <source>Stream: {url}</source>
      <translation>网络流：{url}</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>信号源</translation>
    </message>
    <message>
      <source>Only the presenter and the producer switch the program's source</source>
      <translation>只有主持人和制片可以切换节目信号源</translation>
    </message>
    <message>
      <source>File (looped)…</source>
      <translation>文件（循环播放）…</translation>
    </message>
    <message>
      <source>Clip (played once)…</source>
      <translation>片段（播放一次）…</translation>
    </message>
    <message>
      <source>Stream URL…</source>
      <translation>网络流地址…</translation>
    </message>
    <message>
      <source>Stream URL</source>
      <translation>网络流地址</translation>
    </message>
    <message>
      <source>rtmp://, rtsp://, srt:// or http(s):// address</source>
      <translation>rtmp://、rtsp://、srt:// 或 http(s):// 地址</translation>
    </message>
    <message>
      <source>Choose a video</source>
      <translation>选择视频文件</translation>
    </message>
  </context>
  <context>
    <name>StudioOnly</name>
    <message>
      <source>The return monitor plays on the studio PC only (its video feed is the studio's).</source>
      <translation>回看监视只在演播室电脑上播放（视频信号在演播室）。</translation>
    </message>
    <message>
      <source>Explainer clips are previewed and played from the studio PC (the video files are there).</source>
      <translation>锦囊短片在演播室电脑上预览和播出（视频文件在那里）。</translation>
    </message>
    <message>
      <source>The knowledge base is edited on the studio PC. Suggested answers still show under Answer.</source>
      <translation>知识库在演播室电脑上编辑；建议答案仍显示在“答案”中。</translation>
    </message>
    <message>
      <source>Streaming and recording are started on the studio PC.</source>
      <translation>推流和录制在演播室电脑上操作。</translation>
    </message>
    <message>
      <source>Knowledge base</source>
      <translation>知识库</translation>
    </message>
  </context>
</TS>
