<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AnswerPanel</name>
    <message>
      <source>On-air answer (at most 60 characters)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Pin (P)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Draft: needs the officer's confirmation before air.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Suggested answers (1–3)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Pinned answers (Ctrl+P puts the last one back)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>draft</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>reviewed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Select a question</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No suggested answer: write one, or put the question up alone.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reviewed by {who} on {when}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Source</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Documents</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Where</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Handle it online</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Original: {text}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>CatalogEditor</name>
    <message>
      <source>one per line: name | where to click</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>one per line: file | 第N条</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>why this change (kept in the history)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Save item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Name</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>English name</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Viewer words</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Documents</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Where to apply</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>一键办理 link</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Regulations</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Change note</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Version</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>When</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Who</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Action</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Changed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>created</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>History</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>an article line needs 'file | 第N条'</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Saved.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Nothing changed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>version {n}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>CommentListModel</name>
    <message>
      <source>chatter</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Time</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Platform</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Viewer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Comment</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Asked</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>State</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{n} asked</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>EntryEditor</name>
    <message>
      <source>one question per line, as viewers ask it</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>what changed and why; note 公安部令第172号 where it applies</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Save (Ctrl+S)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Mark reviewed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Questions</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>On-air answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Full answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Source file</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Article</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Article text</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Change note</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Your name</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Draft: goes on air only with the officer's confirmation.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>History</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The rule has since changed (公安部令第172号): check before air.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The regulation texts are not available on this machine.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>An expert group's answer: cite the regulation file and article before review.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reviewed by {name} at {time}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>On air {count} times.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Enter your name: every change records who made it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Saved as version {n}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Marked reviewed by {name}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>new, not saved yet</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>version {n}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ExpertDock</name>
    <message>
      <source>Expert group</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The expert's answer, as it will go on air (editable)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>On air as expert card</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Note to the experts</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Flag selected comment to experts</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No answer yet</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Choose a question with an answer first</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Select a comment in the live feed first</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Experts online: {names}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>note</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Flag to first answer: {time}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>mean</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Done: {action}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ExpertWindow</name>
    <message>
      <source>videohelp — Expert group</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Write the answer, or pick a suggestion above</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Also save to the knowledge base as a draft</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Send answer (Ctrl+Enter)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Studio's note</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Viewer's question</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Answer sent</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Answer sent (another expert answered first)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Suggested answers (double-click to use)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Answers so far (the first is shown to the studio)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Flagged questions</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>reviewed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>draft</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Select a question and write an answer first</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Refused: {why}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{n} open questions</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Not sent: {why}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>FeedFilterBar</name>
    <message>
      <source>All platforms</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>All classes</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>All items</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>All states</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Filter text (Ctrl+F)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Questions only</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>KnowledgeModel</name>
    <message>
      <source>ID</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Question</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>On-air answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Status</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>On air</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Version</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Business items</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>draft</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>All items ({count})</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>reviewed by {name}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>KnowledgeView</name>
    <message>
      <source>Search questions and answers: 驾照 换证, 电驴 上牌 …</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>New answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>A new entry for the item selected on the left</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Business item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Knowledge base</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Select a business item on the left first.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Re-file</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>File this comment under:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Shortcuts</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No question waiting</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Select a comment first</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No answer to pin</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Nothing on air</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Chatter (not a question)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Draft answer: only the officer can confirm it for air</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Draft answer, not yet reviewed: press Enter again to confirm it for air</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>On air: {text}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>videohelp — Live desk</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Live comments</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Question queue</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Program</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Graphics rundown</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>On screen (Enter)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Off screen (Esc)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>CLEAR ALL (F12)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reset layout for this role</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Daily review…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Show</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;View</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Review</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Help</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Dark studio theme</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Light theme</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>QuestionListModel</name>
    <message>
      <source>answered by {expert} in {time}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>waiting {time}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source> (+{n} more)</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>QuestionQueueModel</name>
    <message>
      <source>Next</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Question</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Asked</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Waited</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ReportDialog</name>
    <message>
      <source>Daily review</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Compute</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cancel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Choose the days and press Compute.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Cancelled.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Figures</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Top questions</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>车管资讯 script</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>From</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>to</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Time</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Platform</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Viewer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Question</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Asked</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>State</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Figure</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Value</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Computing the review for {days}…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Failed: {why}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Review of {days}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Follow-up ({count})</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Comments</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Share</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>This period</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Previous</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>A week earlier</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Name</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Answered</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Wordings</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Answer given</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Review</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Text (*.txt)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Exported to {path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Writing {count} follow-ups…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export HTML…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export PDF…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export follow-up list…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export script…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&lt;b&gt;{klass}&lt;/b&gt; {name}: asked {asked} times, {distinct} distinct questions, {answered} answered</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export failed: {why}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>Rundown</name>
    <message>
      <source>Take</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Update</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Clear layer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Graphics rundown</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No graphics on air</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>out in {s:.0f}s</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>Shortcuts</name>
    <message>
      <source>Next question (selects its best answer)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Question-and-answer card on screen</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Question card on screen without an answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Mark answered (card off screen)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Question card off screen</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>CLEAR ALL: every card off screen at once</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>CLEAR ALL (second key)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Add the selected comment to next up</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Move up in next up</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Move down in next up</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Flag the selected question to the experts</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Dismiss the selected comment</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Re-file the selected comment to another item</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Choose suggested answer 1</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Choose suggested answer 2</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Choose suggested answer 3</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Pin the chosen answer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Put the last pinned answer back on screen</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Edit the on-air answer before it goes on screen</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Go to the live feed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Go to the question queue</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Go to the graphics rundown</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Filter the live feed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Knowledge base</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>List of shortcuts</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>StatusPanel</name>
    <message>
      <source>Bridges: {list}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Experts online: {n}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Outputs: {list}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{n} comments/min</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>none</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>preview only</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>app</name>
    <message>
      <source>⚠ Error recorded; report: {path}</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
