<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../ui/files.py" line="36"/>
        <source>保存位置：</source>
        <translation>Save in:</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="37"/>
        <source>文件名：</source>
        <translation>File name:</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="38"/>
        <source>文件类型：</source>
        <translation>File type:</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="39"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="40"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="33"/>
        <source>{kind} {serial}（表号 {meter}，维修人员 {technician}）</source>
        <translation>{kind} {serial} (meter {meter}, technician {technician})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="41"/>
        <source>未插表使用，已登记归还</source>
        <translation>Not used in a meter; returned</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="44"/>
        <source>表内剩余气量：{0} 立方米</source>
        <translation>Gas left in the meter: {0} m³</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="46"/>
        <source>累计用气量：{0} 立方米</source>
        <translation>Cumulative use: {0} m³</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="48"/>
        <source>表具状态：{0}</source>
        <translation>Meter status: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="50"/>
        <source>表内购气次数：{0}</source>
        <translation>Purchase count in the meter: {0}</translation>
    </message>
</context>
<context>
    <name>AccountLimitDialog</name>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="24"/>
        <source>本户限购</source>
        <translation>Account purchase limit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="27"/>
        <source>留空：恢复按类别限购</source>
        <translation>Empty: back to the class limit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="32"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="33"/>
        <source>本户限购气量 (m³/周期)</source>
        <translation>Account limit (m³ per window)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="34"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="59"/>
        <source>不限购</source>
        <translation>No purchase limit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="61"/>
        <source>{own}限购 {limit} m³，周期内已购 {bought} m³，剩余 {left} m³</source>
        <translation>{own} limit {limit} m³, bought {bought} m³ in the window, {left} m³ left</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="62"/>
        <source>本户</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="62"/>
        <source>按类别</source>
        <translation>Class</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="67"/>
        <source>
下次安检 {due}</source>
        <translation>
Next inspection {due}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="69"/>
        <source>（限制购气：{hold}）</source>
        <translation> (sales held: {hold})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="75"/>
        <source>请填写户号</source>
        <translation>Enter the account number</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="76"/>
        <source>本户限购气量</source>
        <translation>Account limit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/limits.py" line="83"/>
        <source>已保存，按 Enter 关闭</source>
        <translation>Saved; press Enter to close</translation>
    </message>
</context>
<context>
    <name>AccountPanel</name>
    <message>
        <location filename="../../ui/account_panel.py" line="56"/>
        <source>客户信息</source>
        <translation>Customer</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="59"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="60"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="62"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="63"/>
        <source>证件号</source>
        <translation>ID no.</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="64"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="65"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="66"/>
        <source>人口</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="67"/>
        <source>燃气表</source>
        <translation>Gas meter</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="68"/>
        <source>卡片</source>
        <translation>Cards</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="69"/>
        <source>购气次数</source>
        <translation>Purchases</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="94"/>
        <source>本年度阶梯用气</source>
        <translation>Tiered usage this year</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="122"/>
        <source>近期业务</source>
        <translation>Recent transactions</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="138"/>
        <source>未加载账户</source>
        <translation>No account loaded</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="30"/>
        <location filename="../../ui/account_panel.py" line="176"/>
        <location filename="../../ui/account_panel.py" line="294"/>
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="31"/>
        <source>黑名单</source>
        <translation>Blacklisted</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="32"/>
        <source>停用</source>
        <translation>Retired</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="42"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="43"/>
        <source>业务</source>
        <translation>Transaction</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="44"/>
        <source>凭证号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="45"/>
        <source>气量(m³)</source>
        <translation>Volume (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="46"/>
        <source>金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="61"/>
        <source>户类型</source>
        <translation>Account type</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="70"/>
        <source>卡内未插表</source>
        <translation>On card, not in meter</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="81"/>
        <source>换表记录</source>
        <translation>Meters replaced</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="82"/>
        <source>换表补气剩余</source>
        <translation>Carry-over left</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="83"/>
        <source>限购</source>
        <translation>Purchase limits</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="84"/>
        <source>安检</source>
        <translation>Safety inspection</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="85"/>
        <source>工具卡</source>
        <translation>Tool cards</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="86"/>
        <source>最近检查</source>
        <translation>Last check</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="123"/>
        <location filename="../../ui/account_panel.py" line="143"/>
        <location filename="../../ui/account_panel.py" line="218"/>
        <source>表具·限购·安检</source>
        <translation>Meter · limit · inspection</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="160"/>
        <source>—（读卡后显示）</source>
        <translation>— (shown after a card read)</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="162"/>
        <source>无（卡内气量已全部插表）</source>
        <translation>None (all gas on the card is in the meter)</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="163"/>
        <source>{volume} m³（已购未插表）</source>
        <translation>{volume} m³ (bought, not yet in the meter)</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="176"/>
        <source>已销户</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="177"/>
        <location filename="../../ui/account_panel.py" line="301"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="178"/>
        <source>{serial}（{status}）</source>
        <translation>{serial} ({status})</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="183"/>
        <location filename="../../ui/account_panel.py" line="201"/>
        <location filename="../../ui/account_panel.py" line="258"/>
        <location filename="../../ui/account_panel.py" line="263"/>
        <location filename="../../ui/account_panel.py" line="308"/>
        <location filename="../../ui/account_panel.py" line="318"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="185"/>
        <source>（{model}）</source>
        <translation> ({model})</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="191"/>
        <source>（旧系统导入，批次 {batch}）</source>
        <translation> (imported from the old system, batch {batch})</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/account_panel.py" line="199"/>
        <source>%n 人</source>
        <translation>
            <numerusform>%n person</numerusform>
            <numerusform>%n people</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="218"/>
        <source>表具·限购·安检 ⚠</source>
        <translation>Meter · limit · inspection ⚠</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="223"/>
        <source>未设置气价</source>
        <translation>No tariff set</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="227"/>
        <source>{tariff}，年度自 {year}，已用 {used} m³</source>
        <translation>{tariff}, year from {year}, used {used} m³</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="249"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="250"/>
        <source>{meter} {date} 拆除，止码 {reading} m³</source>
        <translation>{meter} removed {date}, final reading {reading} m³</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="259"/>
        <source>{volume} m³ 待写卡</source>
        <translation>{volume} m³ still to write</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="268"/>
        <source>不限购</source>
        <translation>No purchase limit</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="271"/>
        <source>{limit} m³（{since} 起 {months} 个月），已购 {bought}，剩余 {left}</source>
        <translation>{limit} m³ ({months} months from {since}), bought {bought}, left {left}</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="279"/>
        <source>（本户限购）</source>
        <translation> (account&apos;s own limit)</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="282"/>
        <source>{date} {result}</source>
        <translation>{date} {result}</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="287"/>
        <source>未安检</source>
        <translation>never inspected</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="290"/>
        <source>停止售气（{0}）</source>
        <translation>sales held ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="292"/>
        <source>已逾期</source>
        <translation>overdue</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="296"/>
        <source>上次 {last}，下次 {due} 前，{state}</source>
        <translation>last {last}, next by {due}, {state}</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="302"/>
        <source>{kind} {serial}（{state}）</source>
        <translation>{kind} {serial} ({state})</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="305"/>
        <source>未交回</source>
        <translation>not returned</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="305"/>
        <source>已交回</source>
        <translation>returned</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="311"/>
        <source>{date} 剩余 {remaining} m³，累计 {cumulative} m³ {status}</source>
        <translation>{date} remaining {remaining} m³, cumulative {cumulative} m³ {status}</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="334"/>
        <source>第{n}档 已用 {used} m³（不限） 单价 {price} 元/m³</source>
        <translation>Tier {n}: used {used} m³ (no limit), price {price} yuan/m³</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="337"/>
        <source>第{n}档 {used}/{limit} m³ 单价 {price} 元/m³</source>
        <translation>Tier {n}: {used}/{limit} m³, price {price} yuan/m³</translation>
    </message>
</context>
<context>
    <name>AdminScreen</name>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="95"/>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>ApprovalsWidget</name>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="25"/>
        <source>审批人用户名</source>
        <translation>Approver&apos;s username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="30"/>
        <source>审批人密码</source>
        <translation>Approver&apos;s password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="64"/>
        <source>退补气均须系统管理员审批；超过500立方米另须班长、部门经理书面审批；超过1000立方米须部门经理、财务、分管副总书面审批</source>
        <translation>Every refund or supplement needs the system administrator&apos;s approval; above 500 m³ also the written approval of the team leader and the department manager; above 1000 m³ the written approval of the department manager, finance and the vice president in charge</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="71"/>
        <source>审批岗位</source>
        <translation>Approver role</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="72"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="73"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="74"/>
        <location filename="../../ui/dialogs/approvals.py" line="89"/>
        <source>审批意见</source>
        <translation>Approval note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="80"/>
        <source>系统管理员</source>
        <translation>System administrator</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="89"/>
        <source>书面审批意见（必填）</source>
        <translation>Written approval note (required)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="119"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="120"/>
        <source>须书面审批意见</source>
        <translation>written approval notes required</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="121"/>
        <source>需要审批：</source>
        <translation>Approval required: </translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="121"/>
        <source>；</source>
        <translation>; </translation>
    </message>
</context>
<context>
    <name>CardMakersDialog</name>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="40"/>
        <source>卡片厂家</source>
        <translation>Card makers</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="48"/>
        <source>读卡时按列表顺序逐个询问厂家（本公司卡最先）。各柜台的串口号和波特率在该柜台的 config.toml [makers.&lt;代码&gt;] 中设置。</source>
        <translation>A card is offered to the makers in this order (GasDesk cards first). Each counter&apos;s serial port and baud rate are set in its config.toml [makers.&lt;code&gt;].</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="60"/>
        <source>厂家代码</source>
        <translation>Maker code</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="61"/>
        <source>厂家名称</source>
        <translation>Maker name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="62"/>
        <source>动态库路径</source>
        <translation>Library path</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="63"/>
        <source>卡类型 klx</source>
        <translation>Card type klx</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="64"/>
        <source>地区代码 dqdm</source>
        <translation>Area code dqdm</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="65"/>
        <source>报警气量 bjql（立方米）</source>
        <translation>Low-gas alarm bjql (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="66"/>
        <source>充值上限 czsx（立方米）</source>
        <translation>Recharge ceiling czsx (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="67"/>
        <source>透支额度 tzed（立方米）</source>
        <translation>Overdraft tzed (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="68"/>
        <source>密钥种子</source>
        <translation>Key seed</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="79"/>
        <source>写卡函数在地区代码后带用户号（yhh）</source>
        <translation>WriteGasCard takes the customer number (yhh) after the area code</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="81"/>
        <source>写卡函数按指针传单价</source>
        <translation>WriteGasCard takes the prices by pointer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="83"/>
        <source>接口头文件差异</source>
        <translation>Header variants</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="87"/>
        <source>每行一条：代码=说明，如 -150=表具已锁定</source>
        <translation>One per line: code=text, e.g. -150=Meter locked</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="89"/>
        <source>厂家错误代码</source>
        <translation>Maker error codes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="92"/>
        <source>本柜台串口</source>
        <translation>This counter&apos;s port</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="97"/>
        <source>添加厂家</source>
        <translation>Add maker</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="98"/>
        <source>删除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="99"/>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="100"/>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="101"/>
        <source>测试</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="102"/>
        <source>保存全部</source>
        <translation>Save all</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="103"/>
        <source>加载动态库并调用一次 CheckGasCard</source>
        <translation>Load the library and call CheckGasCard once</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="151"/>
        <source>（新厂家）</source>
        <translation>(new maker)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="171"/>
        <source>COM{port}，{baud} 波特</source>
        <translation>COM{port}, {baud} baud</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="173"/>
        <source>未设置（默认 COM1，9600 波特）</source>
        <translation>Not set (default COM1, 9600 baud)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="206"/>
        <source>请选中要删除的厂家</source>
        <translation>Select the maker to remove</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="211"/>
        <source>已从列表删除，按“保存全部”后生效</source>
        <translation>Removed from the list; takes effect after Save all</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="236"/>
        <source>已保存 {0} 个卡片厂家，各柜台下次登录时生效</source>
        <translation>{0} card makers saved; each counter uses them from its next login</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/makers.py" line="244"/>
        <source>请选中要测试的厂家</source>
        <translation>Select the maker to test</translation>
    </message>
</context>
<context>
    <name>CarryOverDialog</name>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="229"/>
        <source>写换表补气</source>
        <translation>Write carry-over</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="235"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="235"/>
        <source>（未选定用户）</source>
        <translation>(no account selected)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="236"/>
        <source>剩余补气量（立方米）</source>
        <translation>Remaining carry-over (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="237"/>
        <source>本次补气量（立方米）</source>
        <translation>Carry-over this time (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="239"/>
        <source>请将该户的燃气卡放入读卡器（上次写入的气量须已插表）。</source>
        <translation>Put the account&apos;s gas card into the reader (the last gas written must have been loaded into the meter).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="260"/>
        <source>本次补气量</source>
        <translation>Carry-over this time</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="270"/>
        <source>已写入换表补气 {0} 立方米（第 {1} 次购气），剩余 {2} 立方米。凭证正在打印，按 Enter 完成</source>
        <translation>Carry-over {0} m³ written (purchase no. {1}), {2} m³ remaining. The receipt is printing; press Enter to finish</translation>
    </message>
</context>
<context>
    <name>CashMoveDialog</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="626"/>
        <location filename="../../ui/dialogs/shift.py" line="627"/>
        <source>现金存取</source>
        <translation>Cash in/out</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="630"/>
        <source>现金存入</source>
        <translation>Cash in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="631"/>
        <source>现金支出</source>
        <translation>Cash out</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="636"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="642"/>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="643"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="650"/>
        <source>存入</source>
        <translation>cash in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="650"/>
        <source>支出</source>
        <translation>cash out</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="654"/>
        <location filename="../../ui/dialogs/shift.py" line="664"/>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="658"/>
        <source>{0} {1} 元</source>
        <translation>{0} {1} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="667"/>
        <source>请填写原因</source>
        <translation>Please enter a reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="678"/>
        <source>已{0} {1} 元</source>
        <translation>Done: {0} {1} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="681"/>
        <source>现金{0}已登记：{1} 元，原因：{2}</source>
        <translation>Cash {0} recorded: {1} yuan, reason: {2}</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="131"/>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="139"/>
        <source>原密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="140"/>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="141"/>
        <source>再次输入新密码</source>
        <translation>New password again</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="144"/>
        <source>您的密码由管理员设置，请先设置自己的新密码再进入柜台</source>
        <translation>Your password was set by the administrator: choose your own new password before the counter opens</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="162"/>
        <source>请输入新密码</source>
        <translation>Enter the new password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="166"/>
        <source>两次输入的新密码不一致</source>
        <translation>The two new passwords do not match</translation>
    </message>
</context>
<context>
    <name>CloseAccountDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="577"/>
        <source>销户</source>
        <translation>Close account</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="581"/>
        <source>如：房屋出售、拆迁</source>
        <translation>e.g. house sold, demolition</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="582"/>
        <source>客户须补缴时填写</source>
        <translation>Fill in when the customer has to pay extra</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="583"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="583"/>
        <source>（未选定用户）</source>
        <translation>(no customer selected)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="584"/>
        <source>终止表读数（立方米）</source>
        <translation>Final meter reading (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="585"/>
        <source>销户原因</source>
        <translation>Reason for closing</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="586"/>
        <source>实收现金（元）</source>
        <translation>Cash received (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="592"/>
        <source>客户带卡时请将卡放入读卡器（卡内未插表的气量须先退气或插表）。</source>
        <translation>If the customer brought the card, put it in the reader (gas on the card not yet loaded into the meter must be refunded or loaded first).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="599"/>
        <source>终止表读数</source>
        <translation>Final meter reading</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="601"/>
        <source>实收金额</source>
        <translation>Amount received</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="617"/>
        <source>已销户。应退客户 {0} 元（未用气量 {1} 立方米）</source>
        <translation>Account closed. Pay the customer {0} yuan (unused gas {1} m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="622"/>
        <source>已销户。应收客户 {0} 元（超用气量 {1} 立方米），实收 {2}，找零 {3}</source>
        <translation>Account closed. Collect {0} yuan from the customer (gas used beyond purchases {1} m³), received {2}, change {3}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="630"/>
        <source>已销户。无需退补。</source>
        <translation>Account closed. Nothing to pay out or collect.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="631"/>
        <source>凭证正在打印，按 Enter 完成</source>
        <translation>The receipt is printing; press Enter to finish</translation>
    </message>
</context>
<context>
    <name>ContractFields</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="295"/>
        <source>工商业户可不填</source>
        <translation>Optional for commercial customers</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="301"/>
        <source>本人办理不填</source>
        <translation>Leave empty if the owner comes in person</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="305"/>
        <source>合同编号</source>
        <translation>Contract no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="306"/>
        <source>签订日期</source>
        <translation>Signed on</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="307"/>
        <source>代办人姓名</source>
        <translation>Proxy&apos;s name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="308"/>
        <source>代办人身份证号</source>
        <translation>Proxy&apos;s ID card no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="309"/>
        <source>与户主关系</source>
        <translation>Relation to the owner</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="328"/>
        <source>合同签订日期</source>
        <translation>Contract signing date</translation>
    </message>
</context>
<context>
    <name>CounterWindow</name>
    <message>
        <location filename="../../ui/counter_window.py" line="167"/>
        <source>GasDesk 燃气营业厅 — {hall} {counter} — 营业员 {clerk}</source>
        <translation>GasDesk gas service hall — {hall} {counter} — clerk {clerk}</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="172"/>
        <source>（培训模式）</source>
        <translation> (training mode)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="184"/>
        <source>培训模式 · 所有业务无效</source>
        <translation>Training mode · no transaction is real</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="197"/>
        <source>输入户号、卡号、表号、姓名、电话、证件号或地址（Enter 加载，Esc 清除）</source>
        <translation>Type an account no., card no., meter no., name, phone, ID no. or address (Enter loads, Esc clears)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="305"/>
        <source>读卡器</source>
        <translation>Card reader</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="306"/>
        <source>打印机</source>
        <translation>Printer</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="307"/>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="308"/>
        <source>班次</source>
        <translation>Shift</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="309"/>
        <source>钱箱</source>
        <translation>Cash drawer</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="573"/>
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="70"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="71"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="72"/>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="73"/>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="74"/>
        <source>表号</source>
        <translation>Meter no.</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="75"/>
        <source>卡号</source>
        <translation>Card no.</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="76"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1019"/>
        <location filename="../../ui/counter_window.py" line="1043"/>
        <source>正常</source>
        <comment>status bar</comment>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="312"/>
        <location filename="../../ui/counter_window.py" line="540"/>
        <source>{caption}：{text}</source>
        <translation>{caption}: {text}</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="173"/>
        <source>（演示模式）</source>
        <translation> (demo mode)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="182"/>
        <source>演示模式 · 所有业务无效</source>
        <translation>Demo mode · no transaction is real</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="215"/>
        <location filename="../../ui/counter_window.py" line="742"/>
        <source>读卡器中无卡</source>
        <translation>No card in the reader</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="258"/>
        <source>锁定柜台</source>
        <translation>Lock counter</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="261"/>
        <location filename="../../ui/counter_window.py" line="1068"/>
        <source>注销</source>
        <translation>Log out</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="291"/>
        <location filename="../../ui/counter_window.py" line="1023"/>
        <source>补打待打印凭证</source>
        <translation>Print queued receipts</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="296"/>
        <source>开户申请表</source>
        <translation>Opening form</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="298"/>
        <source>导出已加载账户的开户申请表（PDF），打印后由客户签字</source>
        <translation>Export the loaded account&apos;s opening form (PDF) to print and have signed</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="304"/>
        <source>凭证</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="318"/>
        <source>演示模式</source>
        <translation>Demo mode</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="345"/>
        <source>显示</source>
        <translation>View</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="346"/>
        <source>字号</source>
        <translation>Text size</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="350"/>
        <source>自动（按屏幕）</source>
        <translation>Automatic (from the screen)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="363"/>
        <source>业务</source>
        <translation>Business</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="378"/>
        <source>卡片</source>
        <translation>Card</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="379"/>
        <location filename="../../ui/counter_window.py" line="400"/>
        <source>格式化旧卡</source>
        <translation>Format an old card</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="401"/>
        <source>将读卡器中的旧卡格式化为厂家新卡？
在用的燃气卡不能格式化。</source>
        <translation>Format the old card in the reader back to a new card of its maker?
A card in use cannot be formatted.</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="402"/>
        <source>格式化 (Enter)</source>
        <translation>Format (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="413"/>
        <source>卡号 {0} 已格式化为新卡</source>
        <translation>Card {0} was formatted to a new card</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="427"/>
        <source>管理</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="428"/>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="431"/>
        <source>用户</source>
        <translation>Users</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="432"/>
        <source>营业厅设置</source>
        <translation>Hall settings</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="433"/>
        <source>价目表</source>
        <translation>Price list</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="434"/>
        <source>价格/调价</source>
        <translation>Prices / price change</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="435"/>
        <source>本柜台设备</source>
        <translation>Devices of this counter</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="436"/>
        <source>卡片厂家</source>
        <translation>Card makers</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="437"/>
        <source>数据导入</source>
        <translation>Data import</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="495"/>
        <source>密码已修改</source>
        <translation>Password changed</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="525"/>
        <source>字号已改为 {0}%，但未能保存：{1}</source>
        <translation>Text size changed to {0}%, but it could not be saved: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="529"/>
        <source>字号已改为 {0}%</source>
        <translation>Text size changed to {0}%</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="573"/>
        <source>已销户</source>
        <translation>Closed</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/counter_window.py" line="580"/>
        <source>找到 %n 户</source>
        <translation>
            <numerusform>%n account found</numerusform>
            <numerusform>%n accounts found</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="643"/>
        <source>已加载 {account} {name}</source>
        <translation>Loaded {account} {name}</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="722"/>
        <source>读卡器中是空白卡（尚未发卡）</source>
        <translation>The card in the reader is blank (not issued yet)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="728"/>
        <source>旧系统卡已接管：卡号 {serial}，购气次数 {count}，与导入记录一致</source>
        <translation>Old system&apos;s card taken over: card {serial}, purchase count {count}, as imported</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="739"/>
        <source>本柜台未配置读卡器</source>
        <translation>No card reader at this counter</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="754"/>
        <source>本公司卡</source>
        <translation>GasDesk card</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="756"/>
        <source>工具卡（{maker}）— 不能办理业务</source>
        <translation>Tool card ({maker}) — no transactions on it</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="758"/>
        <source>读卡器中：{owner}（新卡，尚未发卡）</source>
        <translation>In the reader: {owner} (new card, not issued yet)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="759"/>
        <source>读卡器中：{owner}，卡号 {serial}</source>
        <translation>In the reader: {owner}, card {serial}</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="808"/>
        <source>搜索列表选中的是 {name}（{account}），已加载的是 {loaded}：</source>
        <translation>The search list highlights {name} ({account}), but {loaded} is loaded: </translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="814"/>
        <source>搜索列表选中的是 {name}（{account}），尚未加载：</source>
        <translation>The search list highlights {name} ({account}), not loaded yet: </translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="818"/>
        <source>请按 Enter 加载选中的账户后再办理{name}，或按 Esc 清除搜索</source>
        <translation>press Enter to load the highlighted account before {name}, or Esc to clear the search</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="826"/>
        <source>请先读卡或查询并加载账户，再办理{name}</source>
        <translation>Read a card or search and load an account first, then {name}</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="465"/>
        <location filename="../../ui/counter_window.py" line="834"/>
        <source>{name}：功能尚未开放</source>
        <translation>{name}: not available yet</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="872"/>
        <source>请退还客户 {0} 元</source>
        <translation>Give the customer back {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="927"/>
        <source>{0} 已打印</source>
        <translation>{0} printed</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="930"/>
        <source>{0} 未打印（待打印）</source>
        <translation>{0} not printed (queued)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="957"/>
        <source>导出开户申请表</source>
        <translation>Export opening form</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="958"/>
        <source>开户申请表-{0}.pdf</source>
        <translation>opening-form-{0}.pdf</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="966"/>
        <source>已导出：{0}</source>
        <translation>Exported: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1021"/>
        <source>补打待打印凭证（{0}）</source>
        <translation>Print queued receipts ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1029"/>
        <source>{0} 已补打</source>
        <translation>{0} printed from the queue</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1031"/>
        <source>未开班</source>
        <translation>No shift open</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1035"/>
        <source>已开班（{time}）</source>
        <translation>Open (since {time})</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1062"/>
        <source>请先完成或关闭当前业务，再注销</source>
        <translation>Finish or close the current operation before logging out</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1065"/>
        <source>正在打印凭证，请稍候再注销</source>
        <translation>A receipt is printing; log out in a moment</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1069"/>
        <source>注销并返回登录界面？
班次不会交班，重新登录后可继续办理。</source>
        <translation>Log out and return to the login screen?
The shift stays open; log in again to carry on.</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1070"/>
        <source>注销 (Enter)</source>
        <translation>Log out (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="391"/>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="311"/>
        <location filename="../../ui/counter_window.py" line="1041"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="1049"/>
        <source>有超过期限未交财务的现金，请尽快交款</source>
        <translation>Cash is overdue for hand-over to finance: please hand it over soon</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="29"/>
        <source>购气</source>
        <translation>Purchase gas</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="33"/>
        <source>开户</source>
        <translation>Open account</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="39"/>
        <source>补卡</source>
        <translation>Replace card</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="43"/>
        <source>退气</source>
        <translation>Refund gas</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="45"/>
        <source>补气</source>
        <translation>Supplement gas</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="49"/>
        <source>过户</source>
        <translation>Transfer ownership</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="55"/>
        <source>销户</source>
        <translation>Close account</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="60"/>
        <source>重印</source>
        <translation>Reprint</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="64"/>
        <source>现金存取</source>
        <translation>Cash in/out</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="70"/>
        <source>交款</source>
        <translation>Hand over cash</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="76"/>
        <source>开班/交班</source>
        <translation>Open/close shift</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="82"/>
        <source>报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="92"/>
        <source>换表</source>
        <translation>Meter replacement</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="98"/>
        <source>写换表补气</source>
        <translation>Write carry-over</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="104"/>
        <source>安检</source>
        <translation>Safety inspection</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="110"/>
        <source>本户限购</source>
        <translation>Account purchase limit</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="116"/>
        <source>撤销业务</source>
        <translation>Reverse an operation</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="125"/>
        <source>制作工具卡</source>
        <translation>Make tool card</translation>
    </message>
    <message>
        <location filename="../../ui/operations.py" line="131"/>
        <source>工具卡回读</source>
        <translation>Read back tool card</translation>
    </message>
</context>
<context>
    <name>CountersPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="153"/>
        <source>柜台</source>
        <translation>Counters</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="153"/>
        <source>营业厅的全部柜台编号，以及本机是哪个柜台</source>
        <translation>Every counter of the hall, and which one this workstation is</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="156"/>
        <source>柜台编号（逗号分隔）</source>
        <translation>Counter numbers (comma separated)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="157"/>
        <source>本机柜台编号</source>
        <translation>This workstation&apos;s counter</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="162"/>
        <source>请至少输入一个柜台编号</source>
        <translation>Enter at least one counter number</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="165"/>
        <source>柜台编号为1至8位字母或数字：</source>
        <translation>A counter number is 1 to 8 letters or digits: </translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="167"/>
        <source>柜台编号不能重复</source>
        <translation>Counter numbers must be unique</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="170"/>
        <source>本机柜台编号必须是上面的柜台之一</source>
        <translation>This workstation&apos;s counter must be one of the counters above</translation>
    </message>
</context>
<context>
    <name>CustomerDisplay</name>
    <message>
        <location filename="../../ui/customer_display.py" line="37"/>
        <source>GasDesk 客户显示屏</source>
        <translation>GasDesk customer display</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="42"/>
        <source>培训模式 · 所有业务无效</source>
        <translation>Training mode · no transaction is real</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="102"/>
        <location filename="../../ui/customer_display.py" line="116"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="104"/>
        <source>购气量 (m³)</source>
        <translation>Gas volume (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="108"/>
        <location filename="../../ui/customer_display.py" line="128"/>
        <source>实收 (元)</source>
        <translation>Received (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="110"/>
        <location filename="../../ui/customer_display.py" line="129"/>
        <source>找零 (元)</source>
        <translation>Change (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="111"/>
        <source>请核对购气量和金额</source>
        <translation>Please check the gas volume and amount</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="17"/>
        <source>购气成功，谢谢惠顾</source>
        <translation>Purchase complete, thank you</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="18"/>
        <source>退气完成，请收好退款</source>
        <translation>Refund done: please take your money</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="19"/>
        <source>补气完成</source>
        <translation>Supplement done</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="20"/>
        <source>补卡完成</source>
        <translation>Card replaced</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="21"/>
        <source>开户完成，欢迎使用</source>
        <translation>Account opened: welcome</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="22"/>
        <source>过户完成</source>
        <translation>Transfer done</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="23"/>
        <source>销户完成</source>
        <translation>Account closed</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="24"/>
        <source>本笔业务已作废</source>
        <translation>This operation was voided</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="38"/>
        <source>（演示模式）</source>
        <translation> (demo mode)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="44"/>
        <source>演示模式 · 所有业务无效</source>
        <translation>Demo mode · no transaction is real</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="106"/>
        <source>应收 (元)</source>
        <translation>Due (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="117"/>
        <source>凭证号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="120"/>
        <source>气量 (m³)</source>
        <translation>Volume (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="122"/>
        <source>退回气量 (m³)</source>
        <translation>Volume returned (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="124"/>
        <source>收款 (元)</source>
        <translation>Paid (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="126"/>
        <source>退款 (元)</source>
        <translation>Refunded (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="136"/>
        <source>欢迎光临</source>
        <translation>Welcome</translation>
    </message>
</context>
<context>
    <name>CustomerFields</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="233"/>
        <source>手机或固话</source>
        <translation>Mobile or landline</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="239"/>
        <source>用户类型</source>
        <translation>Customer type</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="240"/>
        <source>姓名/单位名称</source>
        <translation>Name / company name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="241"/>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="242"/>
        <source>证件号码</source>
        <translation>ID no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="243"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="244"/>
        <source>用气地址</source>
        <translation>Supply address</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="245"/>
        <location filename="../../ui/dialogs/accounts.py" line="285"/>
        <source>家庭人口</source>
        <translation>Household size</translation>
    </message>
</context>
<context>
    <name>DataImportDialog</name>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="74"/>
        <source>数据导入</source>
        <translation>Data import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="84"/>
        <source>目录、CSV 文件或一个 XLSX 工作簿（多个用 ; 分隔）</source>
        <translation>A directory, CSV files or one XLSX workbook (separate several with ;)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="87"/>
        <source>旧系统的字段映射文件 (TOML)，可不填</source>
        <translation>The old system&apos;s mapping file (TOML), optional</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="88"/>
        <source>选择目录…</source>
        <translation>Choose directory…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="90"/>
        <source>选择文件…</source>
        <translation>Choose files…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="92"/>
        <source>选择映射文件…</source>
        <translation>Choose mapping file…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="94"/>
        <source>跳过有错误的行（整户跳过，列入问题清单）</source>
        <translation>Skip rows with errors (their whole account, listed in the report)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="96"/>
        <source>试导入（只检查）</source>
        <translation>Dry run (check only)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="99"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="103"/>
        <source>保存问题清单…</source>
        <translation>Save problem list…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="106"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="119"/>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="120"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="121"/>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="122"/>
        <source>值</source>
        <translation>Value</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="123"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="124"/>
        <source>级别</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="130"/>
        <source>批次</source>
        <translation>Batch</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="131"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="132"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="133"/>
        <source>户数</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="134"/>
        <source>开始时间</source>
        <translation>Started</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="138"/>
        <source>回退所选批次…</source>
        <translation>Roll back the selected batch…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="145"/>
        <source>导入文件</source>
        <translation>Import files</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="149"/>
        <source>映射文件</source>
        <translation>Mapping file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="165"/>
        <source>导入批次</source>
        <translation>Import batches</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="179"/>
        <source>选择导入文件所在目录</source>
        <translation>Choose the directory of the import files</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="183"/>
        <source>选择导入文件</source>
        <translation>Choose the import files</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="183"/>
        <source>导入文件 (*.csv *.xlsx)</source>
        <translation>Import files (*.csv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="188"/>
        <source>选择映射文件</source>
        <translation>Choose the mapping file</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="188"/>
        <source>映射文件 (*.toml)</source>
        <translation>Mapping file (*.toml)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="192"/>
        <source>保存问题清单</source>
        <translation>Save the problem list</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="192"/>
        <source>导入问题清单.xlsx</source>
        <translation>import-problems.xlsx</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="197"/>
        <source>回退导入</source>
        <translation>Roll back an import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="257"/>
        <source>{done}/{total}，每秒 {rate:.0f}，约剩 {left:.0f} 秒</source>
        <translation>{done}/{total}, {rate:.0f} per second, about {left:.0f} s left</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="271"/>
        <source>请选择要导入的文件或目录</source>
        <translation>Choose the files or the directory to import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="281"/>
        <source>可导入 {new} 户，已在系统中 {already} 户；错误 {errors} 个，警告 {warnings} 个</source>
        <translation>{new} accounts to import, {already} already in GasDesk; {errors} errors, {warnings} warnings</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="292"/>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="292"/>
        <source>警告</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="306"/>
        <source>有错误：修正文件后重新试导入，或勾选「跳过有错误的行」</source>
        <translation>There are errors: correct the files and run the dry run again, or tick &quot;Skip rows with errors&quot;</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="320"/>
        <source>批次 {batch}：本次写入 {added} 户，共 {done} 户</source>
        <translation>Batch {batch}: {added} accounts written now, {done} in all</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="337"/>
        <source>问题清单已保存到 {path}</source>
        <translation>Problem list saved to {path}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="367"/>
        <source>请先在列表中选择要回退的导入批次</source>
        <translation>First select the import batch to roll back in the list</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="372"/>
        <source>回退批次 {batch}：删除它导入的户、表、卡和客户，期初数据以冲销行抵消。继续？</source>
        <translation>Roll back batch {batch}: its accounts, meters, cards and customers are deleted and its opening figures offset by reversing rows. Continue?</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/data_import.py" line="379"/>
        <source>已回退 {batch}（回退批次 {reversal}）</source>
        <translation>Rolled back {batch} (rollback batch {reversal})</translation>
    </message>
</context>
<context>
    <name>DenominationCountWidget</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="74"/>
        <source> 张</source>
        <translation> pcs</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="87"/>
        <source>硬币合计（元）</source>
        <translation>Coins total (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="104"/>
        <location filename="../../ui/dialogs/shift.py" line="124"/>
        <source>硬币合计</source>
        <translation>Coins total</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="117"/>
        <source>（硬币金额无效）</source>
        <translation>(invalid coin amount)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="118"/>
        <source>清点合计：{0} 元</source>
        <translation>Counted total: {0} yuan</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="70"/>
        <source>本柜台设备</source>
        <translation>Devices of this counter</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="76"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="87"/>
        <source>无打印机</source>
        <translation>No printer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="111"/>
        <source>读卡器</source>
        <translation>Card reader</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="113"/>
        <source>打印机类型</source>
        <translation>Printer type</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="114"/>
        <source>打印机地址</source>
        <translation>Printer address</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="115"/>
        <source>端口</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="116"/>
        <source>厂商编号（十六进制）</source>
        <translation>Vendor ID (hex)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="117"/>
        <source>产品编号（十六进制）</source>
        <translation>Product ID (hex)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="118"/>
        <source>串口设备</source>
        <translation>Serial device</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="119"/>
        <source>波特率</source>
        <translation>Baud rate</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="120"/>
        <source>设备文件路径</source>
        <translation>Device file path</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="121"/>
        <source>打印机型号</source>
        <translation>Printer model</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="147"/>
        <source>测试打印</source>
        <translation>Test print</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="148"/>
        <source>查询状态</source>
        <translation>Query status</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="149"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="150"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="206"/>
        <source>{0}（未连接）</source>
        <translation>{0} (not connected)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/devices.py" line="284"/>
        <source>请稍候……</source>
        <translation>Please wait…</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="222"/>
        <source>设备</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="222"/>
        <source>本机的读卡器和收据打印机</source>
        <translation>This workstation&apos;s card reader and receipt printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="223"/>
        <source>连接真实设备</source>
        <translation>Real devices</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="224"/>
        <source>培训模式：使用模拟读卡器和打印机</source>
        <translation>Training: emulated card reader and printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="227"/>
        <source>留空则使用第一个读卡器</source>
        <translation>Leave empty for the first reader</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="231"/>
        <source>无打印机</source>
        <translation>No printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="231"/>
        <source>网络打印机</source>
        <translation>Network printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="231"/>
        <source>设备文件</source>
        <translation>Device file</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="237"/>
        <source>网络打印机的地址，或设备文件路径</source>
        <translation>The network printer&apos;s address, or the device file path</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="240"/>
        <source>读卡器名称</source>
        <translation>Card reader</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="241"/>
        <source>打印机类型</source>
        <translation>Printer type</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="242"/>
        <source>打印机地址</source>
        <translation>Printer address</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="258"/>
        <source>请输入打印机地址</source>
        <translation>Enter the printer&apos;s address</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../ui/first_run.py" line="344"/>
        <source>GasDesk 首次运行设置</source>
        <translation>GasDesk first-run setup</translation>
    </message>
</context>
<context>
    <name>HallPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="132"/>
        <source>营业厅</source>
        <translation>Service hall</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="132"/>
        <source>本营业厅的名称和代码（代码印在户号和收据上）</source>
        <translation>This hall&apos;s name and code (the code is part of account numbers and receipts)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="136"/>
        <source>营业厅名称</source>
        <translation>Hall name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="137"/>
        <source>营业厅代码</source>
        <translation>Hall code</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="142"/>
        <source>请输入营业厅名称</source>
        <translation>Enter the hall name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="144"/>
        <source>营业厅名称不能超过100个字</source>
        <translation>The hall name may have at most 100 characters</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="146"/>
        <source>营业厅代码为1至8位字母或数字</source>
        <translation>The hall code is 1 to 8 letters or digits</translation>
    </message>
</context>
<context>
    <name>HallSettingsDialog</name>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="350"/>
        <source>请按 YYYY-MM-DD 输入日期</source>
        <translation>Enter the date as YYYY-MM-DD</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="360"/>
        <source>营业厅设置</source>
        <translation>Hall settings</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="369"/>
        <source>保存参数</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="371"/>
        <source>参数</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="377"/>
        <source>日期，如 2026-10-01</source>
        <translation>Date, e.g. 2026-10-01</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="382"/>
        <source>添加日期</source>
        <translation>Add date</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="385"/>
        <source>删除选中日期</source>
        <translation>Remove selected date</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="393"/>
        <source>周六、周日休息；节假日休息，调休上班日照常营业（交款期限按工作日计算）</source>
        <translation>Saturdays and Sundays are closed; holidays are closed, make-up workdays are open (hand-over deadlines count working days)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="401"/>
        <source>工作日历</source>
        <translation>Working-day calendar</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="407"/>
        <source>保存提示语</source>
        <translation>Save notice lines</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="409"/>
        <source>每行一条，最多6行，每行最多24字</source>
        <translation>One per line, at most 6 lines of at most 24 characters</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="413"/>
        <source>凭证提示语</source>
        <translation>Receipt notice lines</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="414"/>
        <source>限购</source>
        <translation>Purchase limits</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="452"/>
        <source>客户类别</source>
        <translation>Customer class</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="452"/>
        <source>额定流量起点 (m³/h)</source>
        <translation>Rated flow from (m³/h)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="452"/>
        <source>限购气量 (m³)</source>
        <translation>Limit (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="456"/>
        <source>添加限购</source>
        <translation>Add limit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="457"/>
        <source>删除选中限购</source>
        <translation>Remove selected limit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="458"/>
        <source>保存限购</source>
        <translation>Save limits</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="468"/>
        <source>每个周期（参数“限购周期（月）”：本月及之前的月份）内可购气量；未设置的类别不限购。工商业户按表具额定流量分档：每档从所填流量起，到下一档为止</source>
        <translation>Gas an account may buy per window (setting “Purchase limit window (months)”: this month and the months before it); a class without a row is unlimited. Commercial meters are banded by rated flow: each band runs from its flow up to the next band&apos;s.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="505"/>
        <source>请选中要删除的限购</source>
        <translation>Select the limit to remove</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="519"/>
        <source>限购已保存</source>
        <translation>Purchase limits saved</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="536"/>
        <source>范围 {0}</source>
        <translation>Range {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="558"/>
        <source>参数已保存</source>
        <translation>Settings saved</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="582"/>
        <source>请先选中要删除的日期</source>
        <translation>Select the date to remove first</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="592"/>
        <source>提示语已保存</source>
        <translation>Notice lines saved</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="702"/>
        <location filename="../../ui/dialogs/shift.py" line="703"/>
        <source>交款</source>
        <translation>Hand over cash</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="707"/>
        <source>交款现金</source>
        <translation>Cash handed over</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="711"/>
        <source>财务用户名</source>
        <translation>Finance officer&apos;s username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="713"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="714"/>
        <source>收款财务</source>
        <translation>Received by (finance)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="715"/>
        <source>财务密码</source>
        <translation>Finance officer&apos;s password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="716"/>
        <source>确认交款 (Enter)</source>
        <translation>Confirm hand-over (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="744"/>
        <source>交款 {0} 元</source>
        <translation>Hand over {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="750"/>
        <source>交款金额必须大于零</source>
        <translation>The hand-over amount must be more than zero</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="751"/>
        <source>财务人员</source>
        <translation>Finance officer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="759"/>
        <source>已交款 {0} 元</source>
        <translation>Handed over {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="760"/>
        <source>交款成功：交款单号 {0}，金额 {1} 元，收款财务 {2}。</source>
        <translation>Handed over: slip {0}, {1} yuan, received by {2}.</translation>
    </message>
</context>
<context>
    <name>InspectionsDialog</name>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="73"/>
        <source>安检</source>
        <translation>Safety inspection</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="90"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="91"/>
        <source>安检日期</source>
        <translation>Inspection date</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="92"/>
        <source>安检结果</source>
        <translation>Inspection result</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="93"/>
        <source>安检员</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="94"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="100"/>
        <source>导入安检结果 (CSV/XLSX)…</source>
        <translation>Import inspection results (CSV/XLSX)…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="102"/>
        <source>取消导入</source>
        <translation>Cancel import</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="108"/>
        <source> 天内到期</source>
        <translation> days ahead</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="109"/>
        <source>导出应安检清单…</source>
        <translation>Export the due list…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="134"/>
        <source>安检日期格式不正确（应为 2026-03-01）</source>
        <translation>Inspection date not valid (e.g. 2026-03-01)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="149"/>
        <source>已录入 {account}：{result}，下次安检 {due}</source>
        <translation>Recorded {account}: {result}, next inspection {due}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="153"/>
        <source>（限制购气，须整改合格）</source>
        <translation> (sales held until a passed inspection)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="188"/>
        <source>导入安检结果</source>
        <translation>Import inspection results</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="188"/>
        <source>安检结果 (*.csv *.xlsx)</source>
        <translation>Inspection results (*.csv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="199"/>
        <source>导入完成：新增 {added} 条，已导入过 {already} 条</source>
        <translation>Import done: {added} added, {already} imported before</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="234"/>
        <source>应安检户清单-{day}</source>
        <translation>Inspections-due-{day}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="236"/>
        <source>导出应安检清单</source>
        <translation>Export the due list</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/inspections.py" line="253"/>
        <source>已导出 {count} 户到 {path}</source>
        <translation>Exported {count} accounts to {path}</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock_screen.py" line="70"/>
        <source>柜台已锁定</source>
        <translation>Counter locked</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="74"/>
        <source>%1已锁定柜台。请%1或班长输入密码解锁。</source>
        <translation>%1 locked the counter. %1 or a team leader enters a password to unlock.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="76"/>
        <source>柜台长时间无操作，已锁定。请%1或班长输入密码解锁。</source>
        <translation>The counter was idle and is locked. %1 or a team leader can unlock it with their password.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="88"/>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="92"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="93"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="131"/>
        <source>请输入用户名和密码</source>
        <translation>Enter your username and password</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <location filename="../../ui/login.py" line="56"/>
        <source>GasDesk 燃气营业厅柜台系统 — 登录</source>
        <translation>GasDesk gas service counter — Log in</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="58"/>
        <source>（培训模式）</source>
        <translation> (training mode)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="60"/>
        <source>（演示模式）</source>
        <translation> (demo mode)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="63"/>
        <location filename="../../ui/login.py" line="110"/>
        <source>燃气营业厅</source>
        <translation>Gas service hall</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="70"/>
        <location filename="../../ui/login.py" line="88"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="73"/>
        <location filename="../../ui/login.py" line="89"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="74"/>
        <location filename="../../ui/login.py" line="111"/>
        <source>未配置柜台</source>
        <translation>No counter configured</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="78"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="90"/>
        <source>柜台</source>
        <translation>Counter</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="105"/>
        <source>正在准备数据库……</source>
        <translation>Preparing the database…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="117"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="118"/>
        <source>{user}（{role}）</source>
        <translation>{user} ({role})</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="122"/>
        <source>演示模式：演示营业厅，模拟读卡器、IC卡、燃气表和打印机，业务和凭证均无效。用户：{users}；密码均为 {password}。登录后按 F11 开班，在“演示设备”窗口插入空白卡，按 F2 开户发卡，再按 F1 购气。正式使用请运行首次设置或编写 config.toml。</source>
        <translation>Demo mode: the demo hall, with an emulated card reader, IC card, gas meter and printer; no transaction or receipt is real. Users: {users}; the password of each is {password}. After logging in press F11 to open a shift, insert a blank card in the “demo devices” window, press F2 to open an account and issue the card, then F1 to sell gas. For real use, run the first-run set-up or write config.toml.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="146"/>
        <source>正在登录……</source>
        <translation>Logging in…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="152"/>
        <source>正在准备数据库，请稍候……</source>
        <translation>Preparing the database, please wait…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="157"/>
        <source>请输入用户名和密码</source>
        <translation>Enter your username and password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="204"/>
        <source>须先修改密码才能进入柜台，请重新登录</source>
        <translation>You must change your password before the counter opens; please log in again</translation>
    </message>
</context>
<context>
    <name>MakeToolCardDialog</name>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="60"/>
        <source>制作工具卡</source>
        <translation>Make tool card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="74"/>
        <source>工具卡类型</source>
        <translation>Tool card kind</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="75"/>
        <source>表号</source>
        <translation>Meter no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="76"/>
        <source>维修人员</source>
        <translation>Technician</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="77"/>
        <source>制卡原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="78"/>
        <source>报警气量（立方米，设置卡）</source>
        <translation>Alarm level (m³, set-up card)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="79"/>
        <source>充值上限（立方米，设置卡）</source>
        <translation>Recharge ceiling (m³, set-up card)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="80"/>
        <source>请在读卡器中放入一张空白卡</source>
        <translation>Put a blank card in the reader</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="99"/>
        <source>读卡器中的卡不能制作工具卡（厂家卡请用厂家的工具卡软件制作后插入登记）</source>
        <translation>The card in the reader cannot be made a tool card (a maker&apos;s tool card is made with the maker&apos;s software, then put in the reader to be recorded)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="120"/>
        <source>请选择工具卡类型</source>
        <translation>Choose the tool card kind</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="125"/>
        <source>报警气量</source>
        <translation>Alarm level</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="126"/>
        <source>充值上限</source>
        <translation>Recharge ceiling</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="137"/>
        <source>已写卡</source>
        <translation>written</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="137"/>
        <source>卡已制作（本次只登记）</source>
        <translation>already made (recorded only)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="140"/>
        <source>{kind} {serial} {how}，已登记发放给 {technician}（表号 {meter}，户号 {account}）</source>
        <translation>{kind} {serial} {how}; issued to {technician} (meter {meter}, account {account})</translation>
    </message>
</context>
<context>
    <name>MeterReplacementDialog</name>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="43"/>
        <source>换表</source>
        <translation>Meter replacement</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="49"/>
        <source>现场拆装表的施工人员</source>
        <translation>Technician who replaced the meter on site</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="52"/>
        <source>留空：与旧表相同</source>
        <translation>Empty: as the old meter</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="55"/>
        <source>新卡卡面印刷的卡号</source>
        <translation>Card number printed on the new card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="56"/>
        <source>留空：以后再写</source>
        <translation>Leave empty: write later</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="57"/>
        <source>收现金时填写</source>
        <translation>Fill in when paid in cash</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="58"/>
        <source>客户责任（收取表费和卡费）</source>
        <translation>Customer at fault (meter fee and card fee charged)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="59"/>
        <source>原卡重新初始化（仅厂家卡，原卡须在读卡器中）</source>
        <translation>Re-initialise the customer&apos;s own card (makers&apos; cards only; the card must be in the reader)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="65"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="65"/>
        <source>（未选定用户）</source>
        <translation>(no account selected)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="66"/>
        <source>旧表止码（立方米）</source>
        <translation>Old meter final reading (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="67"/>
        <source>施工人员</source>
        <translation>Technician</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="68"/>
        <source>新表号</source>
        <translation>New meter no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="69"/>
        <source>新表型号</source>
        <translation>New meter model</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="70"/>
        <source>新表额定流量（立方米/小时）</source>
        <translation>New meter&apos;s rated flow (m³/h)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="72"/>
        <source>新表底数（立方米）</source>
        <translation>New meter initial reading (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="73"/>
        <source>新卡号</source>
        <translation>New card no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="74"/>
        <source>本次写入补气量（立方米）</source>
        <translation>Carry-over to write now (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="75"/>
        <source>实收现金（元）</source>
        <translation>Cash tendered (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="78"/>
        <source>结算</source>
        <translation>Settlement</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="79"/>
        <source>审批</source>
        <translation>Approvals</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="92"/>
        <source>请将空白卡放入读卡器。非客户责任换表免收表费和卡费；补气可分次写入。</source>
        <translation>Put a blank card into the reader. Meter and card fees are waived when the customer is not at fault; the carry-over may be written in instalments.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="107"/>
        <location filename="../../ui/dialogs/meters.py" line="173"/>
        <source>旧表止码</source>
        <translation>Old meter final reading</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="145"/>
        <source>旧表用气 {0} 立方米，购气 {1} 立方米</source>
        <translation>Old meter used {0} m³, bought {1} m³</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="148"/>
        <source>换表补气 {0} 立方米，超用气 {1} 立方米（{2} 元）</source>
        <translation>Carry-over {0} m³, overdrawn {1} m³ ({2} yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="153"/>
        <source>表费 {0} 元，卡费 {1} 元，合计应收 {2} 元</source>
        <translation>Meter fee {0} yuan, card fee {1} yuan, total due {2} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="161"/>
        <source>转移卡带出表内余气 {0} 立方米（请与换表补气核对）</source>
        <translation>The transfer card moved {0} m³ out of the meter (compare with the carry-over)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="166"/>
        <source>工商业户</source>
        <translation>Commercial customer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="175"/>
        <source>新表底数</source>
        <translation>New meter initial reading</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="177"/>
        <source>本次写入补气量</source>
        <translation>Carry-over to write now</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="182"/>
        <source>新表额定流量</source>
        <translation>New meter&apos;s rated flow</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="185"/>
        <source>实收金额</source>
        <translation>Amount tendered</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/meters.py" line="211"/>
        <source>换表完成：新表 {0}，新卡 {1} 已写入；本次写入补气 {2} 立方米，剩余补气 {3} 立方米。凭证正在打印，按 Enter 完成</source>
        <translation>Meter replaced: new meter {0}, new card {1} written; carry-over written now {2} m³, remaining {3} m³. Receipts are printing; press Enter to finish</translation>
    </message>
</context>
<context>
    <name>OpenAccountDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="346"/>
        <source>开户</source>
        <translation>Open account</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="351"/>
        <source>工商业表填写，按额定流量分档限购</source>
        <translation>Commercial meters: the purchase limit band follows it</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="354"/>
        <source>卡面印刷的卡号</source>
        <translation>Card no. printed on the card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="355"/>
        <source>表号</source>
        <translation>Meter no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="356"/>
        <source>表型号</source>
        <translation>Meter model</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="357"/>
        <source>额定流量（立方米/小时）</source>
        <translation>Rated flow (m³/h)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="358"/>
        <source>表底数（立方米）</source>
        <translation>Initial meter reading (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="362"/>
        <source>卡号</source>
        <translation>Card no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="373"/>
        <source>请将空白卡放入读卡器。开户后如需首次购气，请按 F1 办理购气。</source>
        <translation>Put a blank card in the reader. For a first purchase after opening the account, press F1 (Purchase gas).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="401"/>
        <source>额定流量</source>
        <translation>Rated flow</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="405"/>
        <source>表底数</source>
        <translation>Initial meter reading</translation>
    </message>
</context>
<context>
    <name>OperationDialog</name>
    <message>
        <location filename="../../ui/base.py" line="68"/>
        <source>系统错误，请联系管理员（{0}）</source>
        <translation>System error, please call the administrator ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="91"/>
        <source>请输入{0}</source>
        <translation>{0} is required</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="53"/>
        <source>确认 (Enter)</source>
        <translation>Confirm (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="55"/>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="132"/>
        <source>（演示模式）</source>
        <translation> (demo mode)</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="162"/>
        <source>培训模式 · 所有业务无效</source>
        <translation>Training mode · no transaction is real</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="181"/>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="183"/>
        <source>{name}&#x3000;户号 {account}&#x3000;卡号 {card}
{address}</source>
        <translation>{name}  Account {account}  Card {card}
{address}</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="202"/>
        <source>应收 {0} 元</source>
        <translation>Collect {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="204"/>
        <source>应退 {0} 元</source>
        <translation>Hand back {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="206"/>
        <source>无需收退款</source>
        <translation>Nothing to collect or hand back</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="217"/>
        <source>完成 (Enter)</source>
        <translation>Done (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="221"/>
        <source>重新打印 (F9)</source>
        <translation>Print again (F9)</translation>
    </message>
    <message>
        <location filename="../../ui/base.py" line="329"/>
        <source>已填写的内容尚未办理。再按 Esc 放弃，或继续填写</source>
        <translation>What you typed has not been done. Press Esc again to discard it, or go on typing</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="113"/>
        <source>请先读卡或查询选定用户</source>
        <translation>Read a card or search and select a customer first</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="120"/>
        <source>请填写{0}</source>
        <translation>{0} is required</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="131"/>
        <source>{0}格式应为 年-月-日，如 2026-03-01</source>
        <translation>{0} must be year-month-day, e.g. 2026-03-01</translation>
    </message>
</context>
<context>
    <name>PriceListDialog</name>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="600"/>
        <source>收费代码</source>
        <translation>Fee code</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="601"/>
        <source>收费名称</source>
        <translation>Fee name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="602"/>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="611"/>
        <source>价目表</source>
        <translation>Price list</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="622"/>
        <source>每项金额 {low}–{high} 元；代码以小写字母开头，只含小写字母、数字和下划线</source>
        <translation>Each amount {low}–{high} yuan; a code starts with a lower-case letter and holds only lower-case letters, digits and underscores</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="626"/>
        <source>添加收费项</source>
        <translation>Add fee</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="627"/>
        <source>删除选中收费项</source>
        <translation>Remove selected fee</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="628"/>
        <source>保存价目表</source>
        <translation>Save price list</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="671"/>
        <source>请选中要删除的收费项（补卡工本费不能删除）</source>
        <translation>Select the fee to remove (the card fee cannot be removed)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="689"/>
        <source>价目表已保存</source>
        <translation>Price list saved</translation>
    </message>
</context>
<context>
    <name>PurchaseDialog</name>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="71"/>
        <source>F1 购气</source>
        <translation>F1 Purchase gas</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="81"/>
        <source>正在读卡…</source>
        <translation>Reading the card…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="96"/>
        <source>非现金付款的交易流水号</source>
        <translation>Transaction reference of a non-cash payment</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="99"/>
        <source>购气量 (m³)</source>
        <translation>Gas volume (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="100"/>
        <source>或购气金额 (元)</source>
        <translation>or amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="101"/>
        <source>付款方式</source>
        <translation>Payment method</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="102"/>
        <source>交易流水号</source>
        <translation>Transaction reference</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="103"/>
        <source>实收现金 (元)</source>
        <translation>Cash received (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="237"/>
        <source>这是一张空白卡，尚未发卡</source>
        <translation>This is a blank card, not issued yet</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="240"/>
        <source>卡内户号未登记</source>
        <translation>The account no. on the card is not registered</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="246"/>
        <source>注意：读卡器中的卡属于 {card}，不是已加载的 {loaded}</source>
        <translation>Note: the card in the reader belongs to {card}, not to the loaded {loaded}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="253"/>
        <source>户号 {account}&#x3000;{name}&#x3000;卡号 {serial}&#x3000;购气次数 {count}</source>
        <translation>Account no. {account}   {name}   Card no. {serial}   Purchases {count}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="97"/>
        <source>客户付款正好请按 F5</source>
        <translation>Exact cash: press F5</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="108"/>
        <source>{n} m³ (Ctrl+{k})</source>
        <translation>{n} m³ (Ctrl+{k})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="112"/>
        <source>{n} 元 (Ctrl+{k})</source>
        <translation>{n} yuan (Ctrl+{k})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="115"/>
        <source>现金正好 (F5)</source>
        <translation>Exact cash (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="192"/>
        <source>放行班长用户名</source>
        <translation>Team leader&apos;s user name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="193"/>
        <source>班长密码</source>
        <translation>Team leader&apos;s password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="194"/>
        <source>放行原因</source>
        <translation>Reason for the override</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="341"/>
        <location filename="../../ui/dialogs/purchase.py" line="414"/>
        <source>购气量</source>
        <translation>Gas volume</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="342"/>
        <location filename="../../ui/dialogs/purchase.py" line="415"/>
        <source>购气金额</source>
        <translation>Purchase amount</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="350"/>
        <location filename="../../ui/dialogs/purchase.py" line="418"/>
        <source>实收现金</source>
        <translation>Cash received</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="361"/>
        <source>请输入购气量或金额</source>
        <translation>Enter a gas volume or an amount</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="369"/>
        <location filename="../../ui/dialogs/purchase.py" line="505"/>
        <source>第{tier}档 {volume} m³ × {price} 元/m³ = {amount} 元</source>
        <translation>Tier {tier}: {volume} m³ × {price} yuan/m³ = {amount} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="378"/>
        <source>合计 {volume} m³，应收 {amount} 元</source>
        <translation>Total {volume} m³, due {amount} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="390"/>
        <source>实收不足，还差 {short} 元</source>
        <translation>Not enough received: {short} yuan short</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="396"/>
        <location filename="../../ui/dialogs/purchase.py" line="529"/>
        <source>找零 {change} 元</source>
        <translation>Change {change} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="413"/>
        <source>请插入燃气卡</source>
        <translation>Please insert the gas card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="417"/>
        <location filename="../../ui/dialogs/purchase.py" line="452"/>
        <source>请输入购气量或购气金额</source>
        <translation>Please enter a gas volume or a purchase amount</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="422"/>
        <source>请输入实收现金；客户付款正好请按 F5</source>
        <translation>Enter the cash received; for exact cash press F5</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="514"/>
        <source>购气成功&#x3000;凭证号 {receipt}
购气量 {volume} m³&#x3000;金额 {amount} 元</source>
        <translation>Purchase complete   Receipt no. {receipt}
Volume {volume} m³   Amount {amount} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="520"/>
        <source>
实收 {tendered} 元&#x3000;找零 {change} 元</source>
        <translation>
Received {tendered} yuan   Change {change} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="525"/>
        <source>已收 {0} 元</source>
        <translation>Received {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="539"/>
        <source>本期限购剩余 {volume} m³</source>
        <translation>Purchase limit left this window: {volume} m³</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="546"/>
        <source>按 Enter 完成</source>
        <translation>Press Enter to finish</translation>
    </message>
</context>
<context>
    <name>ReadToolCardDialog</name>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="158"/>
        <source>工具卡回读</source>
        <translation>Read back tool card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="163"/>
        <source>请将技术员带回的工具卡放入读卡器，按 Enter 读卡登记归还</source>
        <translation>Put the tool card the technician brought back in the reader and press Enter to record its return</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tool_cards.py" line="171"/>
        <source>工具卡已登记归还</source>
        <translation>Tool card returned</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="97"/>
        <source>退气</source>
        <translation>Refund gas</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="100"/>
        <source>如：客户购错气量</source>
        <translation>e.g. customer bought the wrong volume</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="101"/>
        <source>退气原因</source>
        <translation>Reason for refund</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="102"/>
        <source>审批</source>
        <translation>Approval</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="103"/>
        <source>只能退最后一次购气，且该笔气量尚未插表</source>
        <translation>Only the last purchase can be refunded, and only while it is not yet loaded into the meter</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="118"/>
        <source>卡内没有未插表的气量，不能退气</source>
        <translation>No gas on the card waiting to be loaded into the meter: nothing to refund</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="126"/>
        <source>退回 {volume} 立方米，按原付款方式（{method}）退款</source>
        <translation>{volume} m³ comes back, refunded the way it was paid ({method})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="133"/>
        <source>退气完成&#x3000;凭证号 {receipt}
退回 {volume} 立方米，请退还客户 {amount} 元</source>
        <translation>Refund done  Receipt {receipt}
{volume} m³ taken back: hand the customer {amount} yuan</translation>
    </message>
</context>
<context>
    <name>ReplaceCardDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="417"/>
        <source>补卡</source>
        <translation>Replace card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="426"/>
        <source>新卡卡面印刷的卡号</source>
        <translation>Card no. printed on the new card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="427"/>
        <source>工本费，收现金时填写</source>
        <translation>Card fee, fill in when paid in cash</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="428"/>
        <source>免收工本费（须班长审批）</source>
        <translation>Waive the card fee (needs the team leader&apos;s approval)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="430"/>
        <source>班长/部门经理</source>
        <translation>Team leader / department manager</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="431"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="431"/>
        <source>（未选定用户）</source>
        <translation>(no customer selected)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="432"/>
        <source>补卡原因</source>
        <translation>Reason for replacement</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="433"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="434"/>
        <source>新卡号</source>
        <translation>New card no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="435"/>
        <source>实收现金（元）</source>
        <translation>Cash received (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="437"/>
        <source>审批</source>
        <translation>Approval</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="448"/>
        <source>请将空白卡放入读卡器。客户遗失或损坏收取工本费，卡片质量问题免费。</source>
        <translation>Put a blank card in the reader. A card lost or damaged by the customer costs the card fee; a defective card is replaced free.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="481"/>
        <source>实收金额</source>
        <translation>Amount received</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="500"/>
        <source>已收工本费 {0} 元&#x3000;找零 {1} 元</source>
        <translation>Card fee received {0} yuan  Change {1} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="505"/>
        <source>免收工本费</source>
        <translation>Card fee waived</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="507"/>
        <source>补卡完成：新卡 {0} 已写入，旧卡已作废。凭证正在打印，按 Enter 完成</source>
        <translation>Card replaced: new card {0} written, the old card is blocked. The receipt is printing; press Enter to finish</translation>
    </message>
</context>
<context>
    <name>ReportsDialog</name>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="169"/>
        <source>交班报表-班次{0}</source>
        <translation>Z-report-shift-{0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="173"/>
        <source>日报-{0}</source>
        <translation>Daily-report-{0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="176"/>
        <source>月报-{0}-{1:02d}</source>
        <translation>Monthly-report-{0}-{1:02d}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="60"/>
        <location filename="../../ui/dialogs/reports.py" line="61"/>
        <source>报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="71"/>
        <source>班次</source>
        <translation>Shift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="78"/>
        <source>营业日期</source>
        <translation>Business day</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="87"/>
        <source>年份</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="88"/>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="89"/>
        <source>交班报表(Z)</source>
        <translation>Shift report (Z)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="90"/>
        <source>日报</source>
        <translation>Daily report</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="91"/>
        <source>月报</source>
        <translation>Monthly report</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="101"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="108"/>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="109"/>
        <source>导出CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="110"/>
        <source>导出XLSX</source>
        <translation>Export XLSX</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="118"/>
        <source>打印 (Ctrl+P)</source>
        <translation>Print (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="124"/>
        <source>在本柜台的凭证打印机打印交班报表；日报、月报请导出PDF后用办公打印机打印</source>
        <translation>Prints the shift report on this counter&apos;s receipt printer; export daily and monthly reports as PDF and print them on an office printer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="133"/>
        <source>生成报表 (Enter)</source>
        <translation>Generate report (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="134"/>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="151"/>
        <source>未交班</source>
        <translation>open</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="151"/>
        <source>已交班</source>
        <translation>closed</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="154"/>
        <source>班次 {0} · {1} · {2:%m-%d %H:%M} 开班 · {3}</source>
        <translation>Shift {0} · {1} · opened {2:%m-%d %H:%M} · {3}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="168"/>
        <source>本柜台今天没有班次</source>
        <translation>This counter has no shift today</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="194"/>
        <source>正在生成报表…</source>
        <translation>Generating the report…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="224"/>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="250"/>
        <source>报表已生成，可打印（Ctrl+P）或导出PDF</source>
        <translation>Report ready: print it (Ctrl+P) or export a PDF</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="252"/>
        <source>报表已生成，可导出PDF、CSV或XLSX</source>
        <translation>Report ready: export it as PDF, CSV or XLSX</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="268"/>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="280"/>
        <source>导出报表</source>
        <translation>Export report</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="285"/>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="289"/>
        <source>已导出：{0}</source>
        <translation>Exported: {0}</translation>
    </message>
</context>
<context>
    <name>ReprintDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="645"/>
        <source>重印凭证</source>
        <translation>Reprint receipt</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="649"/>
        <source>留空则重印本户最近一笔业务</source>
        <translation>Empty: reprint the account&apos;s last transaction</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="650"/>
        <source>凭证号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="656"/>
        <source>请输入凭证号</source>
        <translation>Please enter a receipt no.</translation>
    </message>
</context>
<context>
    <name>ReversalDialog</name>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="29"/>
        <source>撤销业务</source>
        <translation>Reverse an operation</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="33"/>
        <source>要撤销业务的凭证号</source>
        <translation>Receipt number of the operation to reverse</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="36"/>
        <source>如：补卡原因选错</source>
        <translation>e.g. wrong replacement reason chosen</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="37"/>
        <source>原卡在手，恢复原卡使用（请将原卡放入读卡器）</source>
        <translation>Old card in hand: use it again (put the old card in the reader)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="40"/>
        <source>班长/部门经理</source>
        <translation>Team leader/Department manager</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="41"/>
        <source>凭证号</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="42"/>
        <source>撤销原因</source>
        <translation>Reason for the reversal</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="44"/>
        <source>审批</source>
        <translation>Approval</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="46"/>
        <source>只能撤销本班次内的补卡、换表（尚未写卡）；购气请用退气或作废</source>
        <translation>Only card replacements and meter replacements (not yet written) of this shift can be reversed; for a purchase use a refund or a void</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="68"/>
        <source>请将原卡（卡号 {0}）放入读卡器</source>
        <translation>Put the old card (no. {0}) in the reader</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="70"/>
        <source>原卡已不能恢复使用，不能撤销</source>
        <translation>The old card can no longer be used: this cannot be reversed</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="73"/>
        <source>换表&#x3000;户号 {account}&#x3000;退还 {amount} 元，恢复原表和原卡；{card}</source>
        <translation>Meter replacement  account {account}  pay back {amount} yuan, old meter and card restored; {card}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="79"/>
        <source>原卡 {0}</source>
        <translation>old card {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="81"/>
        <source>无原卡</source>
        <translation>no old card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="83"/>
        <source>可恢复使用</source>
        <translation>can be used again</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="83"/>
        <source>不能恢复使用</source>
        <translation>cannot be used again</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="85"/>
        <source>{kind}&#x3000;户号 {account}&#x3000;退还 {amount} 元&#x3000;{card}（{restorable}）</source>
        <translation>{kind}  account {account}  pay back {amount} yuan  {card} ({restorable})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reversal.py" line="115"/>
        <source>撤销完成&#x3000;凭证号 {receipt}
请退还客户 {amount} 元</source>
        <translation>Reversed  receipt {receipt}
Pay the customer back {amount} yuan</translation>
    </message>
</context>
<context>
    <name>ShiftDialog</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="149"/>
        <source>请{0}输入用户名和密码确认</source>
        <translation>{0}: enter your username and password to confirm</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="152"/>
        <source>请{0}输入密码</source>
        <translation>{0}: enter your password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="238"/>
        <location filename="../../ui/dialogs/shift.py" line="239"/>
        <source>开班/交班</source>
        <translation>Open/close shift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="251"/>
        <source>正在读取班次…</source>
        <translation>Reading the shift…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="266"/>
        <source>开班：请按面额清点备用金</source>
        <translation>Open shift: count the float by denomination</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="271"/>
        <source>备用金</source>
        <translation>Float</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="281"/>
        <source>备用金来源</source>
        <translation>Float from</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="287"/>
        <source>交班盘点：请按面额清点钱箱现金，并填写各终端的非现金合计</source>
        <translation>Close shift: count the cash in the drawer by denomination and enter each terminal&apos;s non-cash total</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="292"/>
        <source>钱箱现金</source>
        <translation>Cash in drawer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="298"/>
        <source>{0}终端合计（元）</source>
        <translation>{0} terminal total (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="318"/>
        <source>盘点结果（应有与实点）</source>
        <translation>Count result (expected and counted)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="322"/>
        <source>付款方式</source>
        <translation>Payment method</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="323"/>
        <source>应有（元）</source>
        <translation>Expected (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="324"/>
        <source>实点（元）</source>
        <translation>Counted (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="325"/>
        <source>差额（元）</source>
        <translation>Difference (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="342"/>
        <source>长短款原因</source>
        <translation>Reason for the over/short</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="306"/>
        <location filename="../../ui/dialogs/shift.py" line="344"/>
        <location filename="../../ui/dialogs/shift.py" line="347"/>
        <source>班长用户名</source>
        <translation>Team leader&apos;s username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="346"/>
        <source>长短款说明</source>
        <translation>Over/short explanation</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="310"/>
        <location filename="../../ui/dialogs/shift.py" line="348"/>
        <source>班长密码</source>
        <translation>Team leader&apos;s password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="411"/>
        <source>开班</source>
        <translation>Open shift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="412"/>
        <source>开班 (Enter)</source>
        <translation>Open shift (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="423"/>
        <source>交班</source>
        <translation>Close shift</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="425"/>
        <source>{0} · {1} 班次 {2}</source>
        <translation>{0} · {1} shift {2}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="429"/>
        <location filename="../../ui/dialogs/shift.py" line="580"/>
        <source>确认盘点 (Enter)</source>
        <translation>Confirm count (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="469"/>
        <source>正在读取班次，请稍候</source>
        <translation>Reading the shift, please wait</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="487"/>
        <source>请填写长短款说明</source>
        <translation>Please explain the over/short</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="490"/>
        <source>长短款须经班长签字确认</source>
        <translation>An over/short must be signed off by the team leader</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="463"/>
        <location filename="../../ui/dialogs/shift.py" line="492"/>
        <source>班长</source>
        <translation>Team leader</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="510"/>
        <location filename="../../ui/dialogs/shift.py" line="524"/>
        <location filename="../../ui/dialogs/shift.py" line="555"/>
        <location filename="../../ui/dialogs/shift.py" line="594"/>
        <source>长款</source>
        <translation>Over</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="510"/>
        <location filename="../../ui/dialogs/shift.py" line="526"/>
        <location filename="../../ui/dialogs/shift.py" line="555"/>
        <location filename="../../ui/dialogs/shift.py" line="594"/>
        <source>短款</source>
        <translation>Short</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="528"/>
        <source>相符</source>
        <translation>Balanced</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="549"/>
        <source>盘点相符，无长短款</source>
        <translation>Count balanced: no over/short</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="508"/>
        <location filename="../../ui/dialogs/shift.py" line="553"/>
        <source>{0}{1} {2} 元</source>
        <translation>{0} {1} {2} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="295"/>
        <source>必填，没有收款填 0</source>
        <translation>Required: enter 0 if nothing was taken</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="303"/>
        <source>应有金额已显示过：重新盘点须经班长审批</source>
        <translation>The expected figures were shown: a recount needs a team leader&apos;s approval</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="309"/>
        <source>审批班长</source>
        <translation>Approving team leader</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="350"/>
        <source>重新盘点（须班长审批）</source>
        <translation>Recount (team leader approves)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="390"/>
        <source>备用金 {0} 元</source>
        <translation>Float {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="394"/>
        <location filename="../../ui/dialogs/shift.py" line="546"/>
        <source>实点现金 {0} 元</source>
        <translation>Cash counted {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="417"/>
        <source>开班：已按上次备用金预填，核对无误按 Enter 开班（Tab 切换面额修改）</source>
        <translation>Open shift: filled in from the last float; if it is right press Enter (Tab moves between notes to change one)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="563"/>
        <source>{0}；须填写说明并由班长签字确认</source>
        <translation>{0}; an explanation and the team leader&apos;s sign-off are required</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="563"/>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="567"/>
        <source>确认交班 (Enter)</source>
        <translation>Confirm close (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="588"/>
        <source>班次 {0} 已交班。</source>
        <translation>Shift {0} closed.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="591"/>
        <source>现金 {0} 元已存入保险柜。</source>
        <translation>Cash {0} yuan put in the safe.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="596"/>
        <source>{0}{1} {2} 元（签字：{3}）</source>
        <translation>{0} {1} {2} yuan (signed off by {3})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="603"/>
        <source>交班报表（Z报表）随即打印；按 F9 重新打印，按 Enter 关闭。</source>
        <translation>The shift report (Z report) prints now; F9 prints it again, Enter closes.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="605"/>
        <source>存入保险柜 {0} 元</source>
        <translation>Into the safe {0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="608"/>
        <source>正在打印交班报表…</source>
        <translation>Printing the shift report…</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <location filename="../../ui/single_instance.py" line="76"/>
        <source>本机已有一个{0}在运行（进程 {1}，数据目录 {2}）：请使用已打开的窗口，同一台电脑只能运行一个</source>
        <translation>{0} is already running on this computer (process {1}, data folder {2}): use the open window; one computer runs only one</translation>
    </message>
    <message>
        <location filename="../../ui/single_instance.py" line="90"/>
        <source>读卡器“{0}”已被另一个 GasDesk 使用（进程 {1}）：一台读卡器只能由一个 GasDesk 使用</source>
        <translation>Card reader “{0}” is in use by another GasDesk (process {1}): one card reader serves only one GasDesk</translation>
    </message>
</context>
<context>
    <name>StartupFlow</name>
    <message>
        <location filename="../../ui/app.py" line="52"/>
        <source>GasDesk 无法启动</source>
        <translation>GasDesk cannot start</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="203"/>
        <source>数据库无法打开：</source>
        <translation>Cannot open the database: </translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="262"/>
        <source>无法打开柜台：</source>
        <translation>Cannot open the counter: </translation>
    </message>
</context>
<context>
    <name>SupplementDialog</name>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="153"/>
        <source>补气</source>
        <translation>Supplement gas</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="158"/>
        <source>如：表具故障少计气量</source>
        <translation>e.g. meter fault under-counted the gas</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="159"/>
        <source>补气量（立方米）</source>
        <translation>Supplement volume (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="160"/>
        <source>补气原因</source>
        <translation>Reason for supplement</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="161"/>
        <source>审批</source>
        <translation>Approval</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="167"/>
        <location filename="../../ui/dialogs/refund.py" line="180"/>
        <source>补气量</source>
        <translation>Supplement volume</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="174"/>
        <source>补气完成&#x3000;凭证号 {receipt}
补气 {volume} 立方米（免费）</source>
        <translation>Supplement done  Receipt {receipt}
{volume} m³ put on the card (free of charge)</translation>
    </message>
</context>
<context>
    <name>TakeoverDialog</name>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="30"/>
        <source>旧系统卡接管</source>
        <translation>Take over an old system&apos;s card</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="34"/>
        <source>户号 {account}&#x3000;卡号 {serial}
{said}</source>
        <translation>Account {account}  Card {serial}
{said}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="50"/>
        <source>核准班长用户名</source>
        <translation>Approving team leader&apos;s user name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="51"/>
        <source>班长密码</source>
        <translation>Team leader&apos;s password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="52"/>
        <source>接管原因</source>
        <translation>Reason for the takeover</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="53"/>
        <source>核准后按卡内购气次数继续售气（户内购气次数随卡更正）</source>
        <translation>Once approved, sales go on from the card&apos;s purchase count (the account&apos;s count is corrected to the card&apos;s)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="60"/>
        <source>请班长输入用户名和密码核准</source>
        <translation>The team leader must enter their user name and password to approve</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="64"/>
        <source>请填写接管原因</source>
        <translation>Please enter the reason for the takeover</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="71"/>
        <source>已接管&#x3000;卡号 {serial}&#x3000;购气次数 {count}&#x3000;核准：{leader}</source>
        <translation>Taken over  Card {serial}  Purchase count {count}  Approved by: {leader}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="75"/>
        <source>
卡号已更正（原登记 {old}）</source>
        <translation>
Card number corrected (recorded as {old})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/takeover.py" line="77"/>
        <source>
按 Enter 完成</source>
        <translation>
Press Enter to finish</translation>
    </message>
</context>
<context>
    <name>TariffPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="177"/>
        <source>气价</source>
        <translation>Tariffs</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="177"/>
        <source>气价以后可以发布新版本，不能修改</source>
        <translation>Tariffs are never edited later: a price change is a new version</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="179"/>
        <source>使用示例气价：居民阶梯 2.61 / 2.83 / 4.23 元，工商业 3.35 元（每立方米）</source>
        <translation>Use the sample tariffs: residential ladder 2.61 / 2.83 / 4.23 yuan, commercial 3.35 yuan (per m³)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="187"/>
        <source>居民第一阶梯（元）</source>
        <translation>Residential tier 1 (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="188"/>
        <source>居民第二阶梯（元）</source>
        <translation>Residential tier 2 (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="189"/>
        <source>居民第三阶梯（元）</source>
        <translation>Residential tier 3 (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="195"/>
        <source>工商业气价（元）</source>
        <translation>Commercial (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="211"/>
        <source>请输入有效的价格（元，最多两位小数）</source>
        <translation>Enter a valid price (yuan, at most two decimals)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="214"/>
        <source>阶梯价格必须逐级升高</source>
        <translation>Each tier must cost more than the one before</translation>
    </message>
</context>
<context>
    <name>TariffsDialog</name>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="84"/>
        <source>气价管理</source>
        <translation>Tariffs</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="92"/>
        <location filename="../../ui/dialogs/tariffs.py" line="131"/>
        <source>生效日期</source>
        <translation>Effective from</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="92"/>
        <location filename="../../ui/dialogs/tariffs.py" line="130"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="92"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="92"/>
        <source>阶梯与单价</source>
        <translation>Tiers and prices</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="99"/>
        <source>以所选版本为底稿</source>
        <translation>Start from the selected version</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="105"/>
        <source>留空则按类别和日期命名</source>
        <translation>Leave empty to name it by class and date</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="110"/>
        <source>阶梯</source>
        <translation>Tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="111"/>
        <source>年用气量上限（立方米）</source>
        <translation>Annual upper bound (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="112"/>
        <source>单价（元/立方米）</source>
        <translation>Price (yuan/m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="115"/>
        <source>增加一档</source>
        <translation>Add a tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="116"/>
        <source>删除末档</source>
        <translation>Remove the last tier</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="125"/>
        <source>不调整</source>
        <translation>No adjustment</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="128"/>
        <source>调价</source>
        <translation>Price change</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="138"/>
        <source>阶梯年度起始月份</source>
        <translation>Ladder year starts in month</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="139"/>
        <source>多人口户：基准人口</source>
        <translation>Large households: base household size</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="140"/>
        <source>每增加一人增加气量（立方米）</source>
        <translation>Extra volume per additional person (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="159"/>
        <source>调价前后对比（典型购气）</source>
        <translation>Before and after (a typical purchase)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="161"/>
        <source>购气量（立方米）</source>
        <translation>Volume bought (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="162"/>
        <source>家庭人口</source>
        <translation>Household size</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="163"/>
        <source>本年度已购（立方米）</source>
        <translation>Already bought this ladder year (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="164"/>
        <source>现行气价</source>
        <translation>Tariff in force</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="165"/>
        <source>调价后</source>
        <translation>After the change</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="166"/>
        <source>差额</source>
        <translation>Difference</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="178"/>
        <source>确认调价 (Enter)</source>
        <translation>Confirm price change (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="180"/>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="185"/>
        <source>用户类别</source>
        <translation>Customer class</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="188"/>
        <source>气价版本（已生效的版本不能修改，只能由新版本接替）</source>
        <translation>Tariff versions (a version in force is never changed, only superseded by a new one)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="268"/>
        <source>第{n}档 {price}元</source>
        <translation>Tier {n} {price} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="272"/>
        <source>第{n}档 ≤{upper}m³ {price}元</source>
        <translation>Tier {n} ≤{upper} m³ {price} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="274"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="276"/>
        <source>（超过{n}人每多一人加{extra}m³）</source>
        <translation> (above {n} people, {extra} m³ more per extra person)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="307"/>
        <source>第{n}档</source>
        <translation>Tier {n}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="338"/>
        <source>不设上限</source>
        <translation>No upper bound</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="352"/>
        <source>第{n}档上限</source>
        <translation>the upper bound of tier {n}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="353"/>
        <source>第{n}档单价</source>
        <translation>the price of tier {n}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="371"/>
        <source>购气量</source>
        <translation>the volume bought</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="397"/>
        <source>无现行气价</source>
        <translation>No tariff in force</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="400"/>
        <location filename="../../ui/dialogs/tariffs.py" line="403"/>
        <source>{amount} 元</source>
        <translation>{amount} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="409"/>
        <source>+{0} 元</source>
        <translation>+{0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="411"/>
        <source>-{0} 元</source>
        <translation>-{0} yuan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/tariffs.py" line="435"/>
        <source>已发布新气价：{name}，自{day}起执行</source>
        <translation>New tariff published: {name}, in force from {day}</translation>
    </message>
</context>
<context>
    <name>TrainingWindow</name>
    <message>
        <location filename="../../ui/training_window.py" line="31"/>
        <source>燃气表已充值</source>
        <translation>Gas loaded into the meter</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="32"/>
        <source>工具卡已执行，表内数据已写到卡上</source>
        <translation>Tool card taken: the meter&apos;s data are on the card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="33"/>
        <source>此工具卡已使用过，表不接受</source>
        <translation>This tool card was used already: the meter refuses it</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="34"/>
        <source>不是本表的卡，表不接受</source>
        <translation>Not this meter&apos;s card: the meter refuses it</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="67"/>
        <source>GasDesk 培训设备</source>
        <translation>GasDesk training devices</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="67"/>
        <source>GasDesk 演示设备（演示模式）</source>
        <translation>GasDesk demo devices (demo mode)</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="74"/>
        <source>培训模式 · 所有业务无效</source>
        <translation>Training mode · no transaction is real</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="76"/>
        <source>演示模式 · 所有业务无效</source>
        <translation>Demo mode · no transaction is real</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="82"/>
        <source>读卡器与燃气表</source>
        <translation>Card reader and gas meter</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="83"/>
        <source>插入空白卡</source>
        <translation>Insert blank card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="85"/>
        <source>插入燃气表</source>
        <translation>Load into meter</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="98"/>
        <source>插入新厂家卡</source>
        <translation>Insert a new maker card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="102"/>
        <source>厂家卡插入燃气表</source>
        <translation>Put the maker card into the meter</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="108"/>
        <source>插入厂家检查卡</source>
        <translation>Insert maker&apos;s check card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="116"/>
        <source>厂家卡：{name}</source>
        <translation>Maker card: {name}</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="129"/>
        <source>故障演练（可在业务进行中切换）</source>
        <translation>Fault drills (switch them during an operation too)</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="145"/>
        <source>收据预览</source>
        <translation>Receipt preview</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="151"/>
        <source>收据预览（打印后刷新）</source>
        <translation>Receipt preview (refreshed after printing)</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="218"/>
        <source>拔出卡</source>
        <translation>Remove card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="218"/>
        <source>插入卡</source>
        <translation>Insert card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="222"/>
        <source>拔出厂家卡</source>
        <translation>Take out the maker card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="222"/>
        <source>插入厂家卡</source>
        <translation>Insert the maker card</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="225"/>
        <source>读卡器中有卡（厂家卡：{name}）</source>
        <translation>Card in the reader (maker card: {name})</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="227"/>
        <source>读卡器中有卡</source>
        <translation>Card in reader</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="229"/>
        <source>读卡器中无卡</source>
        <translation>No card in reader</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="246"/>
        <source>已开启故障：{0}</source>
        <translation>Fault on: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="246"/>
        <source>已关闭故障：{0}</source>
        <translation>Fault off: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="252"/>
        <source>已插入空白卡</source>
        <translation>Blank card inserted</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="258"/>
        <source>已拔出卡</source>
        <translation>Card removed</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="262"/>
        <source>已插入卡</source>
        <translation>Card inserted</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="267"/>
        <location filename="../../ui/training_window.py" line="305"/>
        <location filename="../../ui/training_window.py" line="329"/>
        <source>请先加载一个有燃气表的账户</source>
        <translation>Load an account with a gas meter first</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="280"/>
        <location filename="../../ui/training_window.py" line="342"/>
        <source>燃气表：{outcome}</source>
        <translation>Gas meter: {outcome}</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="291"/>
        <source>已插入新厂家卡（{name}）</source>
        <translation>New maker card inserted ({name})</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="310"/>
        <source>已插入厂家检查卡 {serial}（表号 {meter}）</source>
        <translation>Maker&apos;s check card {serial} inserted (meter {meter})</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="319"/>
        <source>已拔出厂家卡</source>
        <translation>Maker card taken out</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="322"/>
        <source>已插入厂家卡</source>
        <translation>Maker card inserted</translation>
    </message>
    <message>
        <location filename="../../ui/training_window.py" line="324"/>
        <source>手中没有厂家卡，请先插入新厂家卡</source>
        <translation>No maker card in hand: insert a new maker card first</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="520"/>
        <source>过户</source>
        <translation>Transfer ownership</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="522"/>
        <source>户号</source>
        <translation>Account no.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="522"/>
        <source>（未选定用户）</source>
        <translation>(no customer selected)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="527"/>
        <source>换新卡时填写，并将空白卡放入读卡器</source>
        <translation>Fill in for a new card, and put a blank card in the reader</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="528"/>
        <source>过户表读数（立方米）</source>
        <translation>Meter reading at transfer (m³)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="529"/>
        <source>新卡号（可选）</source>
        <translation>New card no. (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="536"/>
        <source>请核验新户主身份证件和房屋合同，并现场抄表、安全检查。</source>
        <translation>Check the new owner&apos;s ID and the property contract, read the meter and do the safety check on site.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="546"/>
        <source>过户表读数</source>
        <translation>Meter reading at transfer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="561"/>
        <source>过户完成：户号 {0} 的户主现为 {1}</source>
        <translation>Transfer done: account {0} now belongs to {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="565"/>
        <source>；新卡 {0} 已写入，旧卡已作废</source>
        <translation>; new card {0} written, the old card is blocked</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="566"/>
        <source>。凭证正在打印，按 Enter 完成</source>
        <translation>. The receipt is printing; press Enter to finish</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="177"/>
        <location filename="../../ui/dialogs/admin.py" line="208"/>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="178"/>
        <location filename="../../ui/dialogs/admin.py" line="209"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="179"/>
        <location filename="../../ui/dialogs/admin.py" line="210"/>
        <source>岗位</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="180"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="181"/>
        <source>下次登录须改密码</source>
        <translation>Must change password at next login</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="189"/>
        <source>用户管理</source>
        <translation>Users</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="206"/>
        <source>添加用户</source>
        <translation>Add user</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="211"/>
        <source>初始密码</source>
        <translation>Initial password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="214"/>
        <source>停用/启用选中用户</source>
        <translation>Disable/enable selected user</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="216"/>
        <source>重置选中用户的密码</source>
        <translation>Reset the selected user&apos;s password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="219"/>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="224"/>
        <source>添加用户（首次登录须修改密码）</source>
        <translation>Add a user (the password must be changed at first login)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="227"/>
        <source>选中的用户</source>
        <translation>Selected user</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="261"/>
        <source>启用</source>
        <translation>Enabled</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="261"/>
        <source>已停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="262"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="288"/>
        <source>已添加用户 {0}</source>
        <translation>User {0} added</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="304"/>
        <location filename="../../ui/dialogs/admin.py" line="316"/>
        <source>请先在列表中选中一个用户</source>
        <translation>Select a user in the list first</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="307"/>
        <source>已启用 {0}</source>
        <translation>{0} enabled</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="307"/>
        <source>已停用 {0}</source>
        <translation>{0} disabled</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/admin.py" line="319"/>
        <source>已重置 {0} 的密码，下次登录须修改</source>
        <translation>Password of {0} reset; it must be changed at the next login</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="270"/>
        <source>管理员和用户</source>
        <translation>Administrator and users</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="271"/>
        <source>系统管理员管理用户和设置；其他用户每行一个：用户名,姓名,岗位,密码</source>
        <translation>The administrator manages users and settings; other users one per line: username,name,role,password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="280"/>
        <source>lina,李娜,营业员,初始密码</source>
        <translation>lina,李娜,营业员,initial password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="281"/>
        <source>管理员用户名</source>
        <translation>Administrator username</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="282"/>
        <source>管理员姓名</source>
        <translation>Administrator name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="283"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="284"/>
        <source>确认密码</source>
        <translation>Confirm password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="285"/>
        <source>其他用户</source>
        <translation>Other users</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="292"/>
        <source>请输入管理员用户名</source>
        <translation>Enter the administrator&apos;s username</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="294"/>
        <source>请输入管理员姓名</source>
        <translation>Enter the administrator&apos;s name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="296"/>
        <location filename="../../ui/first_run.py" line="315"/>
        <source>密码至少8位</source>
        <translation>The password needs at least 8 characters</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="298"/>
        <source>两次输入的密码不一致</source>
        <translation>The passwords do not match</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="305"/>
        <source>第%1行：</source>
        <translation>Line %1: </translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="307"/>
        <source>格式应为 用户名,姓名,岗位,密码</source>
        <translation>expected username,name,role,password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="310"/>
        <source>用户名重复</source>
        <translation>duplicate username</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="313"/>
        <source>岗位应为：</source>
        <translation>the role must be one of: </translation>
    </message>
</context>
<context>
    <name>_CardApprovalDialog</name>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="29"/>
        <location filename="../../ui/dialogs/refund.py" line="42"/>
        <source>正在读卡…</source>
        <translation>Reading the card…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="32"/>
        <source>重新读卡</source>
        <translation>Read card again</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="48"/>
        <source>未读到卡</source>
        <translation>No card read</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="55"/>
        <source>读卡器中是空白卡</source>
        <translation>The card in the reader is blank</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="61"/>
        <source>户号 {0}&#x3000;{1}&#x3000;卡号 {2}&#x3000;购气次数 {3}&#x3000;未插表气量 {4} 立方米</source>
        <translation>Account no. {0}   {1}   Card no. {2}   Purchases {3}   Not yet in meter {4} m³</translation>
    </message>
</context>
</TS>
