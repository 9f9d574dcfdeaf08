//! The words the generated ledger is made of: the categories that fill real ledgers (in the order
//! of how often they appear), the names people give them, brands, models and specs per kind of
//! asset, conditions, 主管部门 and people's names. Every category code here is checked against
//! `fixtures/asset-categories.csv` when the data is generated.

/// A kind of asset: which brands, models and specs its cards carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Desktop,
    Laptop,
    Printer,
    Copier,
    Projector,
    AirConditioner,
    Display,
    Server,
    Network,
    Camera,
    Appliance,
    Chair,
    Desk,
    Cabinet,
    Sofa,
    Vehicle,
    /// Everything else: the category's own name, plain brands and specs.
    Other,
}

/// The head of the Zipf ranking: the most common categories, most common first, with the names
/// ledgers use for them.
pub const COMMON: &[(&str, Kind, &[&str])] = &[
    ("A02010105", Kind::Desktop, &["台式计算机", "台式电脑", "台式机"]),
    ("A02010108", Kind::Laptop, &["笔记本电脑", "便携式计算机"]),
    ("A05010301", Kind::Chair, &["办公椅", "职员椅", "转椅"]),
    ("A05010201", Kind::Desk, &["办公桌", "职员办公桌", "写字台"]),
    ("A02021003", Kind::Printer, &["A4黑白激光打印机", "激光打印机", "打印机"]),
    ("A02061804", Kind::AirConditioner, &["空调", "壁挂式空调", "柜式空调", "空调机"]),
    ("A05010502", Kind::Cabinet, &["文件柜", "铁皮文件柜", "档案柜"]),
    ("A02020100", Kind::Copier, &["复印机", "数码复印机"]),
    ("A02020200", Kind::Projector, &["投影仪", "投影机"]),
    ("A02021104", Kind::Display, &["液晶显示器", "显示器"]),
    ("A02020400", Kind::Printer, &["多功能一体机", "打印复印一体机"]),
    ("A05010202", Kind::Desk, &["会议桌"]),
    ("A05010303", Kind::Chair, &["会议椅"]),
    ("A02021004", Kind::Printer, &["A4彩色打印机", "彩色激光打印机"]),
    ("A02010104", Kind::Server, &["服务器", "机架式服务器"]),
    ("A02061801", Kind::Appliance, &["电冰箱", "冰箱"]),
    ("A05010501", Kind::Cabinet, &["书柜"]),
    ("A02030501", Kind::Vehicle, &["轿车", "公务用车"]),
    ("A02021301", Kind::Other, &["碎纸机"]),
    ("A02020501", Kind::Camera, &["数码相机", "数字照相机"]),
    ("A05010401", Kind::Sofa, &["三人沙发", "沙发"]),
    ("A02010109", Kind::Laptop, &["平板电脑"]),
    ("A02010202", Kind::Network, &["交换机", "网络交换机"]),
    ("A02061504", Kind::Other, &["UPS不间断电源", "不间断电源"]),
    ("A02021118", Kind::Other, &["扫描仪"]),
    ("A02061819", Kind::Appliance, &["电热水器"]),
    ("A02061818", Kind::Appliance, &["饮水机"]),
];

/// Brands and their models, per kind.
pub fn brands(kind: Kind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        Kind::Desktop => &[
            ("联想", &["启天M430", "启天M437", "扬天M4000q", "ThinkCentre M720t"]),
            ("戴尔", &["OptiPlex 7080", "OptiPlex 3060", "Vostro 3681"]),
            ("惠普", &["ProDesk 480 G7", "EliteDesk 800 G4"]),
            ("华为", &["MateStation B515"]),
            ("清华同方", &["超越E500", "超翔Z8000"]),
            ("长城", &["世恒TD120"]),
        ],
        Kind::Laptop => &[
            ("联想", &["ThinkPad E14", "ThinkPad X1 Carbon", "昭阳K4e"]),
            ("华为", &["MateBook D14", "MateBook 14"]),
            ("戴尔", &["Latitude 5420"]),
            ("惠普", &["ProBook 440 G8"]),
        ],
        Kind::Printer => &[
            ("惠普", &["LaserJet Pro M404dn", "LaserJet M1136"]),
            ("佳能", &["LBP2900", "imageCLASS MF232w"]),
            ("兄弟", &["HL-2260D", "DCP-7080D"]),
            ("奔图", &["P3300DN", "M6700DW"]),
            ("联想", &["LJ2605D"]),
        ],
        Kind::Copier => &[
            ("理光", &["MP 2014AD", "IM C3000"]),
            ("佳能", &["iR-ADV 4525"]),
            ("京瓷", &["TASKalfa 2010"]),
            ("夏普", &["MX-M2651"]),
            ("柯尼卡美能达", &["bizhub 287"]),
        ],
        Kind::Projector => &[
            ("爱普生", &["CB-X06", "CB-FH52"]),
            ("明基", &["MX560"]),
            ("索尼", &["VPL-EX435"]),
            ("松下", &["PT-X336C"]),
        ],
        Kind::AirConditioner => &[
            ("格力", &["KFR-35GW", "KFR-72LW"]),
            ("美的", &["KFR-26GW", "KFR-51LW"]),
            ("海尔", &["KFR-35GW/01"]),
            ("大金", &["FTXS325"]),
        ],
        Kind::Display => &[
            ("联想", &["ThinkVision T24"]),
            ("戴尔", &["P2419H"]),
            ("飞利浦", &["243V7"]),
            ("AOC", &["24B2XH"]),
            ("三星", &["S24R350"]),
        ],
        Kind::Server => &[
            ("华为", &["FusionServer 2288H V5"]),
            ("浪潮", &["NF5280M5"]),
            ("联想", &["ThinkSystem SR650"]),
            ("戴尔", &["PowerEdge R740"]),
            ("新华三", &["R4900 G3"]),
        ],
        Kind::Network => &[
            ("华为", &["S5735-L24T4S"]),
            ("新华三", &["S5130S-28S"]),
            ("锐捷", &["RG-S2928G"]),
            ("TP-LINK", &["TL-SG1024DT"]),
        ],
        Kind::Camera => &[("佳能", &["EOS 80D", "EOS R6"]), ("尼康", &["D7500", "Z6"]), ("索尼", &["A7M3"])],
        Kind::Appliance => &[
            ("海尔", &["BCD-216", "EC6001"]),
            ("美的", &["BCD-213", "F6021"]),
            ("容声", &["BCD-202"]),
            ("史密斯", &["E60HQD"]),
        ],
        Kind::Chair | Kind::Sofa => {
            &[("震旦", &["AC-05", "HY-12"]), ("圣奥", &["SA-201"]), ("励致", &["LZ-3"]), ("", &[""])]
        }
        Kind::Desk | Kind::Cabinet => {
            &[("震旦", &["AD-1680"]), ("圣奥", &["SD-1407"]), ("洛阳花都", &["HD-09"]), ("", &[""])]
        }
        Kind::Vehicle => {
            &[("大众", &["帕萨特", "迈腾"]), ("丰田", &["凯美瑞", "汉兰达"]), ("别克", &["GL8"]), ("红旗", &["H5"])]
        }
        Kind::Other => &[("", &[""]), ("", &[""]), ("国产", &["通用型"]), ("华科", &["HK-200"]), ("东方", &["DF-3"])],
    }
}

/// Specs (规格型号 beyond the model), per kind.
pub fn specs(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Desktop => &["i5/8G/256G", "i5/8G/1T", "i7/16G/512G", "i3/4G/500G", "i5-10500/16G/512G SSD"],
        Kind::Laptop => &["i5/8G/512G 14英寸", "i7/16G/512G 14英寸", "i5/16G/512G 13.3英寸"],
        Kind::Printer => &["A4 黑白激光 双面", "A4 黑白激光", "A4 彩色激光 网络"],
        Kind::Copier => &["A3 黑白 复印/打印/扫描", "A3 彩色 双面 网络"],
        Kind::Projector => &["3600流明 XGA", "4000流明 1080P"],
        Kind::AirConditioner => &["1.5匹 变频 壁挂", "3匹 定频 柜机", "1匹 冷暖"],
        Kind::Display => &["23.8英寸 IPS", "21.5英寸", "27英寸 2K"],
        Kind::Server => &["2U 双路 64G", "2U 双路 128G 4×1.2T"],
        Kind::Network => &["24口千兆", "48口千兆 4光口"],
        Kind::Camera => &["单反 含镜头", "微单 24-105mm"],
        Kind::Appliance => &["216L 双门", "60L 储水式", "立式 冷热"],
        Kind::Chair => &["网布 升降", "皮面 带扶手", "钢架 软垫"],
        Kind::Desk => &["1.4m×0.7m", "1.6m×0.8m 带副柜", "2.4m×1.2m 实木"],
        Kind::Cabinet => &["0.9m×0.4m×1.85m 钢制", "五节柜", "对开门 钢制"],
        Kind::Sofa => &["皮质 三人位", "布艺 单人"],
        Kind::Vehicle => &["2.0T 自动", "1.8L 手动", "七座 2.5L"],
        Kind::Other => &["标准型", "通用型", "常规配置", ""],
    }
}

/// The measure unit of a kind.
pub fn measure_unit(kind: Kind) -> &'static str {
    match kind {
        Kind::Chair | Kind::Desk | Kind::Cabinet => "张",
        Kind::Sofa => "套",
        Kind::Vehicle => "辆",
        _ => "台",
    }
}

/// How an item is described after its make: 外观完好 …
pub const CONDITIONS: &[&str] = &[
    "外观完好",
    "运行正常",
    "外观完好，运行正常",
    "轻微划痕",
    "功能正常，外观有磨损",
    "电池老化",
    "需更换硒鼓",
    "屏幕有坏点",
    "可正常使用",
    "闲置未用",
];

/// 成色.
pub const GRADES: &[&str] = &["九成新", "八成新", "七成新", "良好", "一般"];

/// 主管部门: a small vocabulary shared by every region (visibility compares it within a city).
pub const DEPARTMENTS: &[(&str, &[&str])] = &[
    ("教育局", &["第一中学", "实验小学", "教师进修学校"]),
    ("卫生健康委员会", &["人民医院", "中医院", "疾病预防控制中心"]),
    ("民政局", &["社会福利院", "救助管理站"]),
    ("财政局", &["国库集中支付中心", "财政投资评审中心"]),
    ("公安局", &["交通警察大队", "看守所"]),
    ("交通运输局", &["公路事业发展中心", "运输管理所"]),
    ("自然资源局", &["不动产登记中心", "测绘院"]),
    ("农业农村局", &["农业技术推广中心", "动物疫病预防控制中心"]),
    ("文化和旅游局", &["图书馆", "文化馆", "博物馆"]),
    ("住房和城乡建设局", &["建设工程质量监督站", "住房保障中心"]),
    ("人力资源和社会保障局", &["社会保险事业服务中心", "就业服务中心"]),
    ("机关事务服务中心", &["公务用车服务中心", "机关幼儿园"]),
];

/// Family names.
pub const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"];

/// Given names.
pub const GIVEN_NAMES: &[&str] =
    &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "秀英", "建华", "晓东"];

/// Two-character search terms people type most (the 电脑, 空调, 投影 …).
pub const FREQUENT_SHORT_TERMS: &[&str] = &["电脑", "空调", "投影", "打印", "办公", "联想", "柜式"];

/// Longer frequent search terms.
pub const FREQUENT_LONG_TERMS: &[&str] =
    &["台式电脑", "笔记本电脑", "激光打印机", "文件柜", "投影仪", "外观完好", "多功能一体机"];
