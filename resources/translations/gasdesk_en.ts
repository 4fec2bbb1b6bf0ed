<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="104"/>
        <source>手机或固话</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="109"/>
        <source>用户类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="110"/>
        <source>姓名/单位名称</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="111"/>
        <source>证件类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="112"/>
        <source>证件号码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="113"/>
        <source>联系电话</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="114"/>
        <source>用气地址</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="115"/>
        <source>家庭人口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="143"/>
        <source>工商业户可不填</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="147"/>
        <source>本人办理不填</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="150"/>
        <source>合同编号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="151"/>
        <source>签订日期</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="152"/>
        <source>代办人姓名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="153"/>
        <source>代办人身份证号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="154"/>
        <source>与户主关系</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="54"/>
        <source>审批人用户名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="57"/>
        <source>审批人密码</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AccountPanel</name>
    <message>
        <location filename="../../ui/account_panel.py" line="34"/>
        <source>客户信息</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="37"/>
        <source>户号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="38"/>
        <source>状态</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="39"/>
        <source>姓名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="40"/>
        <source>证件号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="41"/>
        <source>电话</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="42"/>
        <source>地址</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="43"/>
        <source>人口</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="44"/>
        <source>燃气表</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="45"/>
        <source>卡片</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="46"/>
        <source>购气次数</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="54"/>
        <source>本年度阶梯用气</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="60"/>
        <source>近期业务</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="84"/>
        <source>未加载账户</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="91"/>
        <source>正常</source>
        <translation type="unfinished">Active</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="91"/>
        <source>已销户</source>
        <translation type="unfinished">Closed</translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="95"/>
        <location filename="../../ui/account_panel.py" line="107"/>
        <source>无</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/account_panel.py" line="105"/>
        <source>%n 人</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="114"/>
        <source>未设置气价</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="118"/>
        <source>{tariff}，年度自 {year}，已用 {used} m³</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="149"/>
        <source>第{n}档 已用 {used} m³（不限） 单价 {price} 元/m³</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/account_panel.py" line="152"/>
        <source>第{n}档 {used}/{limit} m³ 单价 {price} 元/m³</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ApprovalsWidget</name>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="88"/>
        <source>退补气均须系统管理员审批；超过500立方米另须班长、部门经理书面审批；超过1000立方米须部门经理、财务、分管副总书面审批</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="95"/>
        <source>审批岗位</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="96"/>
        <source>用户名</source>
        <translation type="unfinished">Username</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="97"/>
        <source>密码</source>
        <translation type="unfinished">Password</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="98"/>
        <location filename="../../ui/dialogs/approvals.py" line="113"/>
        <source>审批意见</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="104"/>
        <source>系统管理员</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="113"/>
        <source>书面审批意见（必填）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="140"/>
        <source>须书面审批意见</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/approvals.py" line="141"/>
        <source>需要审批：</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CashMoveDialog</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="530"/>
        <source>现金存取</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="533"/>
        <source>现金存入</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="534"/>
        <source>现金支出</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="539"/>
        <source>类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="543"/>
        <source>金额（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="544"/>
        <source>原因</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CloseAccountDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="321"/>
        <source>销户</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="325"/>
        <source>如：房屋出售、拆迁</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="326"/>
        <source>客户须补缴时填写</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="327"/>
        <source>户号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="327"/>
        <source>（未选定用户）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="328"/>
        <source>终止表读数（立方米）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="329"/>
        <source>销户原因</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="330"/>
        <source>实收现金（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="335"/>
        <source>客户带卡时请将卡放入读卡器（卡内未插表的气量须先退气或插表）。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="387"/>
        <source>已销户。应退客户 {0} 元（未用气量 {1} 立方米）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="392"/>
        <source>已销户。应收客户 {0} 元（超用气量 {1} 立方米），实收 {2}，找零 {3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="400"/>
        <source>已销户。无需退补。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="402"/>
        <source>按 Enter 完成并打印凭证</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="404"/>
        <source>完成 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CounterWindow</name>
    <message>
        <location filename="../../ui/counter_window.py" line="137"/>
        <source>GasDesk 燃气营业厅 — {hall} {counter} — 营业员 {clerk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="142"/>
        <source>（培训模式）</source>
        <translation type="unfinished"> (training mode)</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="150"/>
        <source>培训模式 · 所有业务无效</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="162"/>
        <source>输入户号、卡号、表号、姓名、电话、证件号或地址（Enter 加载，Esc 清除）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="226"/>
        <source>读卡器</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="227"/>
        <source>打印机</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="228"/>
        <source>数据库</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="229"/>
        <source>班次</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="230"/>
        <source>钱箱</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="296"/>
        <location filename="../../ui/counter_window.py" line="535"/>
        <source>正常</source>
        <translation type="unfinished">Active</translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="296"/>
        <source>已销户</source>
        <translation type="unfinished">Closed</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/counter_window.py" line="303"/>
        <source>找到 %n 户</source>
        <translation type="unfinished">
            <numerusform>%n account found</numerusform>
            <numerusform>%n accounts found</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="351"/>
        <source>已加载 {account} {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="392"/>
        <source>读卡器中是空白卡（尚未发卡）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="427"/>
        <source>请先读卡或查询并加载账户，再办理{name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="435"/>
        <source>{name}：功能尚未开放</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="522"/>
        <source>未开班</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="529"/>
        <source>已开班（{time}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="533"/>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/counter_window.py" line="540"/>
        <source>有超过期限未交财务的现金，请尽快交款</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CountersPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="159"/>
        <source>柜台</source>
        <translation>Counters</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="159"/>
        <source>营业厅的全部柜台编号，以及本机是哪个柜台</source>
        <translation>Every counter of the hall, and which one this workstation is</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="162"/>
        <source>柜台编号（逗号分隔）</source>
        <translation>Counter numbers (comma separated)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="163"/>
        <source>本机柜台编号</source>
        <translation>This workstation&apos;s counter</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="168"/>
        <source>请至少输入一个柜台编号</source>
        <translation>Enter at least one counter number</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="171"/>
        <source>柜台编号为1至8位字母或数字：</source>
        <translation>A counter number is 1 to 8 letters or digits: </translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="173"/>
        <source>柜台编号不能重复</source>
        <translation>Counter numbers must be unique</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="176"/>
        <source>本机柜台编号必须是上面的柜台之一</source>
        <translation>This workstation&apos;s counter must be one of the counters above</translation>
    </message>
</context>
<context>
    <name>CustomerDisplay</name>
    <message>
        <location filename="../../ui/customer_display.py" line="17"/>
        <source>GasDesk 客户显示屏</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="21"/>
        <source>培训模式 · 所有业务无效</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="34"/>
        <source>户号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="35"/>
        <source>购气量 (m³)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="36"/>
        <source>金额 (元)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="37"/>
        <source>实收 (元)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="38"/>
        <source>找零 (元)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="84"/>
        <source>请核对购气量和金额</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="96"/>
        <source>购气成功，谢谢惠顾</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/customer_display.py" line="100"/>
        <source>欢迎光临</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DenominationCountWidget</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="68"/>
        <source> 张</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="81"/>
        <source>硬币合计（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="98"/>
        <location filename="../../ui/dialogs/shift.py" line="118"/>
        <source>硬币合计</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="111"/>
        <source>（硬币金额无效）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="112"/>
        <source>清点合计：{0} 元</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="228"/>
        <source>设备</source>
        <translation>Devices</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="228"/>
        <source>本机的读卡器和收据打印机</source>
        <translation>This workstation&apos;s card reader and receipt printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="229"/>
        <source>连接真实设备</source>
        <translation>Real devices</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="230"/>
        <source>培训模式：使用模拟读卡器和打印机</source>
        <translation>Training: emulated card reader and printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="233"/>
        <source>留空则使用第一个读卡器</source>
        <translation>Leave empty for the first reader</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="237"/>
        <source>无打印机</source>
        <translation>No printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="237"/>
        <source>网络打印机</source>
        <translation>Network printer</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="237"/>
        <source>设备文件</source>
        <translation>Device file</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="243"/>
        <source>网络打印机的地址，或设备文件路径</source>
        <translation>The network printer&apos;s address, or the device file path</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="246"/>
        <source>读卡器名称</source>
        <translation>Card reader</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="247"/>
        <source>打印机类型</source>
        <translation>Printer type</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="248"/>
        <source>打印机地址</source>
        <translation>Printer address</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="264"/>
        <source>请输入打印机地址</source>
        <translation>Enter the printer&apos;s address</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../ui/first_run.py" line="350"/>
        <source>GasDesk 首次运行设置</source>
        <translation>GasDesk first-run setup</translation>
    </message>
</context>
<context>
    <name>HallPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="138"/>
        <source>营业厅</source>
        <translation>Service hall</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="138"/>
        <source>本营业厅的名称和代码（代码印在户号和收据上）</source>
        <translation>This hall&apos;s name and code (the code is part of account numbers and receipts)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="142"/>
        <source>营业厅名称</source>
        <translation>Hall name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="143"/>
        <source>营业厅代码</source>
        <translation>Hall code</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="148"/>
        <source>请输入营业厅名称</source>
        <translation>Enter the hall name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="150"/>
        <source>营业厅名称不能超过100个字</source>
        <translation>The hall name may have at most 100 characters</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="152"/>
        <source>营业厅代码为1至8位字母或数字</source>
        <translation>The hall code is 1 to 8 letters or digits</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="574"/>
        <source>交款</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="577"/>
        <source>交款现金</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="581"/>
        <source>财务用户名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="583"/>
        <source>备注</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="584"/>
        <source>收款财务</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="585"/>
        <source>财务密码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="586"/>
        <source>确认交款 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="630"/>
        <source>交款成功：交款单号 {0}，金额 {1} 元，收款财务 {2}。
{3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="634"/>
        <source>重新打印 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="635"/>
        <source>关闭 (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock_screen.py" line="63"/>
        <source>柜台已锁定</source>
        <translation>Counter locked</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="67"/>
        <source>柜台长时间无操作，已锁定。请%1或班长输入密码解锁。</source>
        <translation>The counter was idle and is locked. %1 or a team leader can unlock it with their password.</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="77"/>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="81"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="82"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/lock_screen.py" line="120"/>
        <source>请输入用户名和密码</source>
        <translation>Enter your username and password</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <location filename="../../ui/login.py" line="51"/>
        <source>GasDesk 燃气营业厅柜台系统 — 登录</source>
        <translation>GasDesk gas service counter — Log in</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="53"/>
        <source>（培训模式）</source>
        <translation> (training mode)</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="56"/>
        <source>燃气营业厅</source>
        <translation>Gas service hall</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="63"/>
        <location filename="../../ui/login.py" line="75"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="66"/>
        <location filename="../../ui/login.py" line="76"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="67"/>
        <source>未配置柜台</source>
        <translation>No counter configured</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="71"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="77"/>
        <source>柜台</source>
        <translation>Counter</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="105"/>
        <source>正在登录……</source>
        <translation>Logging in…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="113"/>
        <source>请输入用户名和密码</source>
        <translation>Enter your username and password</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="29"/>
        <source>GasDesk 燃气营业厅柜台系统</source>
        <translation>GasDesk gas service counter</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="33"/>
        <source>（培训模式）</source>
        <translation> (training mode)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="38"/>
        <source>输入户号、卡号、表号、电话、证件号或姓名/地址</source>
        <translation>Account, card, meter, phone or ID number, or name/address</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="51"/>
        <source>共 %n 户</source>
        <translation>
            <numerusform>%n account</numerusform>
            <numerusform>%n accounts</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="81"/>
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="81"/>
        <source>已销户</source>
        <translation>Closed</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="85"/>
        <source>找到 %n 户</source>
        <translation>
            <numerusform>%n account found</numerusform>
            <numerusform>%n accounts found</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OpenAccountDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="177"/>
        <source>开户</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="183"/>
        <source>卡面印刷的卡号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="184"/>
        <source>表号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="185"/>
        <source>表型号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="186"/>
        <source>表底数（立方米）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="187"/>
        <source>卡号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="189"/>
        <source>请将空白卡放入读卡器。开户后如需首次购气，请按 F1 办理购气。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PurchaseDialog</name>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="104"/>
        <source>正在读卡…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="119"/>
        <source>非现金付款的交易流水号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="120"/>
        <source>不填则按应收金额</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="122"/>
        <source>购气量 (m³)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="123"/>
        <source>或购气金额 (元)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="124"/>
        <source>付款方式</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="125"/>
        <source>交易流水号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="126"/>
        <source>实收现金 (元)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="130"/>
        <source>{n} m³</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="135"/>
        <source>{n} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="187"/>
        <source>这是一张空白卡，尚未发卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="190"/>
        <source>卡内户号未登记</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="196"/>
        <source>注意：读卡器中的卡属于 {card}，不是已加载的 {loaded}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="202"/>
        <source>户号 {account}&#x3000;{name}&#x3000;卡号 {serial}&#x3000;购气次数 {count}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="213"/>
        <source>未读到燃气卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="305"/>
        <source>请输入购气量或金额</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="312"/>
        <location filename="../../ui/dialogs/purchase.py" line="395"/>
        <source>第{tier}档 {volume} m³ × {price} 元/m³ = {amount} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="321"/>
        <source>合计 {volume} m³，应收 {amount} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="332"/>
        <source>实收不足，还差 {short} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="338"/>
        <location filename="../../ui/dialogs/purchase.py" line="417"/>
        <source>找零 {change} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="404"/>
        <source>购气成功&#x3000;凭证号 {receipt}
购气量 {volume} m³&#x3000;金额 {amount} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="410"/>
        <source>
实收 {tendered} 元&#x3000;找零 {change} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/purchase.py" line="423"/>
        <source>完成 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="98"/>
        <source>退气</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="101"/>
        <source>如：客户购错气量</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="102"/>
        <source>退气原因</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="103"/>
        <source>审批</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="104"/>
        <source>只能退最后一次购气，且该笔气量尚未插表</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReplaceCardDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="220"/>
        <source>补卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="227"/>
        <source>新卡卡面印刷的卡号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="228"/>
        <source>工本费，收现金时填写</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="229"/>
        <source>免收工本费（须班长审批）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="231"/>
        <source>班长/部门经理</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="234"/>
        <source>户号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="234"/>
        <source>（未选定用户）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="235"/>
        <source>补卡原因</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="236"/>
        <source>备注</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="237"/>
        <source>新卡号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="238"/>
        <source>实收现金（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="240"/>
        <source>审批</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="242"/>
        <source>请将空白卡放入读卡器。客户遗失或损坏收取工本费，卡片质量问题免费。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportsDialog</name>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="164"/>
        <source>报表</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="174"/>
        <source>班次</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="181"/>
        <source>营业日期</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="190"/>
        <source>年份</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="191"/>
        <source>月份</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="192"/>
        <source>交班报表(Z)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="193"/>
        <source>日报</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="194"/>
        <source>月报</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="204"/>
        <source>取消</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="222"/>
        <source>生成报表 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="223"/>
        <source>关闭 (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="243"/>
        <source>班次 {0} · {1} · {2:%m-%d %H:%M} 开班 · {3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="278"/>
        <source>正在生成报表…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="308"/>
        <source>已取消</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="327"/>
        <source>报表已生成，可导出PDF、CSV或XLSX</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="340"/>
        <source>导出报表</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="354"/>
        <source>正在导出…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/reports.py" line="358"/>
        <source>已导出：{0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReprintDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="419"/>
        <source>重印凭证</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="423"/>
        <source>留空则重印本户最近一笔业务</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="424"/>
        <source>凭证号</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShiftDialog</name>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="204"/>
        <source>开班/交班</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="214"/>
        <source>正在读取班次…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="230"/>
        <source>开班：请按面额清点备用金</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="232"/>
        <source>备用金</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="242"/>
        <source>备用金来源</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="248"/>
        <source>交班盘点：请按面额清点钱箱现金，并填写各终端的非现金合计</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="252"/>
        <source>钱箱现金</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="255"/>
        <source>未填视为与系统一致</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="258"/>
        <source>{0}终端合计（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="264"/>
        <source>盘点结果（应有与实点）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="268"/>
        <source>付款方式</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="269"/>
        <source>应有（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="270"/>
        <source>实点（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="271"/>
        <source>差额（元）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="288"/>
        <source>长短款原因</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="290"/>
        <location filename="../../ui/dialogs/shift.py" line="293"/>
        <source>班长用户名</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="292"/>
        <source>长短款说明</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="294"/>
        <source>班长密码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="296"/>
        <source>重新盘点</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="345"/>
        <source>开班</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="346"/>
        <source>开班 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="350"/>
        <source>交班</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="352"/>
        <source>{0} · {1} 班次 {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="356"/>
        <location filename="../../ui/dialogs/shift.py" line="485"/>
        <source>确认盘点 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="428"/>
        <source>交班报表已在打印机“{0}”打印</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="430"/>
        <source>再打印一份 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="457"/>
        <source>盘点相符，无长短款</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="460"/>
        <source>{0}{1} {2} 元</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="470"/>
        <source>{0}；须填写说明并由班长签字确认</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="473"/>
        <source>确认交班 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="493"/>
        <source>班次 {0} 已交班。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="496"/>
        <source>现金 {0} 元已存入保险柜。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="501"/>
        <source>{0}{1} {2} 元（签字：{3}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="508"/>
        <source>按 Enter 打印交班报表（Z报表），按 Esc 关闭。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="510"/>
        <source>打印交班报表 (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/shift.py" line="511"/>
        <source>关闭 (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SupplementDialog</name>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="133"/>
        <source>补气</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="138"/>
        <source>如：表具故障少计气量</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="139"/>
        <source>补气量（立方米）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="140"/>
        <source>补气原因</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="141"/>
        <source>审批</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TariffPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="183"/>
        <source>气价</source>
        <translation>Tariffs</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="183"/>
        <source>气价以后可以发布新版本，不能修改</source>
        <translation>Tariffs are never edited later: a price change is a new version</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="185"/>
        <source>使用示例气价：居民阶梯 2.61 / 2.83 / 4.23 元，工商业 3.35 元（每立方米）</source>
        <translation>Use the sample tariffs: residential ladder 2.61 / 2.83 / 4.23 yuan, commercial 3.35 yuan (per m³)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="193"/>
        <source>居民第一阶梯（元）</source>
        <translation>Residential tier 1 (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="194"/>
        <source>居民第二阶梯（元）</source>
        <translation>Residential tier 2 (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="195"/>
        <source>居民第三阶梯（元）</source>
        <translation>Residential tier 3 (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="201"/>
        <source>工商业气价（元）</source>
        <translation>Commercial (yuan)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="217"/>
        <source>请输入有效的价格（元，最多两位小数）</source>
        <translation>Enter a valid price (yuan, at most two decimals)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="220"/>
        <source>阶梯价格必须逐级升高</source>
        <translation>Each tier must cost more than the one before</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <location filename="../../ui/training_panel.py" line="45"/>
        <source>培训设备</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="46"/>
        <source>插入空白卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="48"/>
        <source>插入燃气表</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="62"/>
        <source>收据预览（打印后刷新）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="66"/>
        <source>收据预览</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="79"/>
        <source>拔出卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="79"/>
        <source>插入卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="80"/>
        <source>读卡器中有卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="80"/>
        <source>读卡器中无卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="85"/>
        <source>已插入空白卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="90"/>
        <source>已拔出卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="93"/>
        <source>已插入卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="99"/>
        <source>请先加载一个有燃气表的账户</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/training_panel.py" line="112"/>
        <source>燃气表：{outcome}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="276"/>
        <source>过户</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="278"/>
        <source>户号</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="278"/>
        <source>（未选定用户）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="283"/>
        <source>换新卡时填写，并将空白卡放入读卡器</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="284"/>
        <source>过户表读数（立方米）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="285"/>
        <source>新卡号（可选）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/accounts.py" line="286"/>
        <source>请核验新户主身份证件和房屋合同，并现场抄表、安全检查。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="276"/>
        <source>管理员和用户</source>
        <translation>Administrator and users</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="277"/>
        <source>系统管理员管理用户和设置；其他用户每行一个：用户名,姓名,岗位,密码</source>
        <translation>The administrator manages users and settings; other users one per line: username,name,role,password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="286"/>
        <source>lina,李娜,营业员,初始密码</source>
        <translation>lina,李娜,营业员,initial password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="287"/>
        <source>管理员用户名</source>
        <translation>Administrator username</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="288"/>
        <source>管理员姓名</source>
        <translation>Administrator name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="289"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="290"/>
        <source>确认密码</source>
        <translation>Confirm password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="291"/>
        <source>其他用户</source>
        <translation>Other users</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="298"/>
        <source>请输入管理员用户名</source>
        <translation>Enter the administrator&apos;s username</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="300"/>
        <source>请输入管理员姓名</source>
        <translation>Enter the administrator&apos;s name</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="302"/>
        <location filename="../../ui/first_run.py" line="321"/>
        <source>密码至少8位</source>
        <translation>The password needs at least 8 characters</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="304"/>
        <source>两次输入的密码不一致</source>
        <translation>The passwords do not match</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="311"/>
        <source>第%1行：</source>
        <translation>Line %1: </translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="313"/>
        <source>格式应为 用户名,姓名,岗位,密码</source>
        <translation>expected username,name,role,password</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="316"/>
        <source>用户名重复</source>
        <translation>duplicate username</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="319"/>
        <source>岗位应为：</source>
        <translation>the role must be one of: </translation>
    </message>
</context>
<context>
    <name>_CardApprovalDialog</name>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="37"/>
        <location filename="../../ui/dialogs/refund.py" line="50"/>
        <source>正在读卡…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="40"/>
        <source>重新读卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="62"/>
        <source>未读到卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="68"/>
        <source>读卡器中是空白卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/refund.py" line="73"/>
        <source>户号 {0}&#x3000;{1}&#x3000;卡号 {2}&#x3000;购气次数 {3}&#x3000;未插表气量 {4} 立方米</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
