"""开户申请表: the account opening form with the contract summary (《居民用户供用气合同》摘要).

ID and phone numbers are masked here (with ``app.domain.privacy``, as on receipts), so the
printed page never carries them in full.
"""

from __future__ import annotations

from app.documents.data import OpeningFormData, TariffTierRow
from app.documents.layout import (
    LEFT,
    PAGE_WIDTH,
    RIGHT,
    Column,
    Sheet,
    date_text,
    or_dash,
)
from app.documents.tables import tier_label
from app.domain.money import format_money, format_volume
from app.domain.privacy import mask_id, mask_phone


def _contract_clauses(data: OpeningFormData) -> list[str]:
    if data.residential:
        price = (
            "居民用气实行年度阶梯气价，按本表所列各阶梯年用气量和单价分段计费，"
            "阶梯年度内累计购气量跨越分界量时分段计价；"
            "气价调整时按政府价格主管部门公布的价格执行。"
        )
    else:
        price = (
            "非居民用气执行工商业气价，按本表所列单价计费；"
            "气价调整时按政府价格主管部门公布的价格执行。"
        )
    return [
        "安全用气：用户应遵守《城镇燃气管理条例》，正确使用合格燃气器具，不得私自改装、"
        "拆除、迁移燃气设施；发现漏气应立即关闭阀门、开窗通风，严禁明火和开关电器，"
        "并到户外拨打燃气抢修电话。",
        "预付费购气：本户使用IC卡智能燃气表，先购气、后用气。用户持本户IC卡到营业厅柜台"
        "购气，购气后应及时将卡插入燃气表完成充值；卡内气量未插表前，可凭卡到柜台办理退气。",
        f"阶梯气价：{price}",
        "表具保护：燃气表及表前管道设施由供气方负责维护和检定，用户应妥善保护，不得擅自"
        "拆卸、损坏或干扰计量；IC卡遗失或损坏的，应及时到营业厅挂失补卡，"
        "因用户原因补卡的按规定收取工本费。",
        "过户与销户：房屋产权或使用权变更的，新旧用户应持有效证件到营业厅柜台办理过户；"
        "停止用气的，应到营业厅柜台办理销户，按表读数结算，未使用的气量按购气时的价格退还。",
        "其他：本摘要仅列主要条款，双方权利义务以签订的供用气合同全文为准。",
    ]


def _tier_range(tier: TariffTierRow) -> str:
    if tier.upper is None:
        return f"{format_volume(tier.lower)} 以上" if tier.lower else "不限"
    return f"{format_volume(tier.lower)} – {format_volume(tier.upper)}"


def account_opening_form(data: OpeningFormData) -> bytes:
    """开户申请表 with the contract summary (《居民用户供用气合同》摘要), as PDF bytes."""
    label = f"燃气开户申请表 · 户号 {data.account_no}"
    sheet = Sheet("燃气开户申请表", label, mode=data.mode)
    sheet.title(data.hall_name, "燃气开户申请表")
    sheet.pairs(
        [
            ("户号", data.account_no),
            ("开户日期", date_text(data.opened_on)),
            ("受理单号", or_dash(data.receipt_no)),
        ]
    )
    proxy = "无（本人办理）"
    if data.proxy_name:
        proxy = f"{data.proxy_name}（与户主关系：{or_dash(data.proxy_relation)}）"
        if data.proxy_id_number:
            proxy += f"  证件号码：{mask_id(data.proxy_id_number)}"

    sheet.heading("一、用户信息")
    sheet.grid(
        [
            [("用户名称", data.customer_name), ("用户类型", data.customer_kind)],
            [("证件类型", data.id_type), ("证件号码", mask_id(data.id_number))],
            [
                ("联系电话", mask_phone(data.phone) or "—"),
                ("家庭人口", f"{data.household_size} 人"),
            ],
            [("用气地址", data.address)],
        ]
    )
    sheet.heading("二、表具与IC卡")
    reading = "—" if data.initial_reading is None else f"{format_volume(data.initial_reading)} m³"
    sheet.grid(
        [
            [("燃气表号", or_dash(data.meter_no)), ("表具型号", or_dash(data.meter_model))],
            [("表底数", reading), ("IC卡号", or_dash(data.card_serial))],
        ]
    )
    sheet.heading("三、供用气合同")
    sheet.grid(
        [
            [
                ("合同编号", or_dash(data.contract_no)),
                ("签订日期", date_text(data.contract_signed_on)),
            ],
            [("代办人", proxy)],
        ]
    )
    sheet.heading(f"四、执行气价：{data.tariff_name}")
    sheet.table(
        [
            Column("阶梯", 120),
            Column("年用气量（m³/年）", 200, "center"),
            Column("单价（元/m³）", 191, "right"),
        ],
        [(tier_label(t.tier), _tier_range(t), format_money(t.price_fen)) for t in data.tiers],
    )
    note = f"阶梯年度自每年{data.ladder_start_month}月1日起计算。"
    if data.household_threshold and data.extra_per_member:
        note += (
            f"家庭人口超过{data.household_threshold}人的，每增加1人，各阶梯分界量增加"
            f"{format_volume(data.extra_per_member)} m³；上表已按本户人口计算。"
        )
    sheet.paragraph(note, 8.5)

    sheet.heading("五、申请人声明及签字")
    sheet.paragraph(
        "本人申请开通管道燃气供气，已阅读并同意供用气合同条款（摘要见下），"
        "所填信息真实有效，并遵守安全用气规定。",
        9,
    )
    clerk = f"经办人（{data.clerk_name}）" if data.clerk_name else "经办人"
    sheet.signatures(["客户签字", clerk, "日期"])

    contract = "居民用户供用气合同" if data.residential else "非居民用户供用气合同"
    sheet.y -= 10
    sheet.need(120)
    sheet.line(LEFT, sheet.y, RIGHT, sheet.y, 0.4)
    sheet.y -= 6
    sheet.text(PAGE_WIDTH / 2, sheet.y - 16, f"《{contract}》摘要", 13, "center")
    sheet.y -= 28
    for number, clause in enumerate(_contract_clauses(data), start=1):
        sheet.paragraph(f"{number}. {clause}", 9, leading=13.5)
        sheet.y -= 3
    return sheet.finish()
