"""The default list of consultable matters (协商事项清单) a city starts from: fifteen kinds in the
manner of Guangzhou's list, each under one of the national content categories (2015 opinion). A
city keeps its own copy (``services.seed_matters``) and edits it; districts, streets and
communities add theirs."""

from __future__ import annotations

DEFAULT_MATTERS: tuple[tuple[str, str, str], ...] = (
    ("社区公共设施建设和管理", "public", "道路、照明、健身器材、休闲设施的增设、维修和管理"),
    ("老旧小区改造与加装电梯", "public", "改造内容、加装电梯方案、费用分摊"),
    ("停车管理与交通秩序", "livelihood", "车位规划、收费、非机动车停放与充电"),
    ("环境卫生与垃圾分类", "public", "投放点设置、清运时间、卫生死角整治"),
    ("绿化美化与公共空间微改造", "public", "口袋公园、边角地、楼道空间的改造利用"),
    ("物业服务与专项维修资金使用", "livelihood", "物业服务标准、收费、维修资金使用"),
    ("养老托育等为民服务项目", "livelihood", "长者饭堂、托育点、助餐助浴等服务的设置"),
    ("社区治安与消防安全", "public", "门禁、监控、消防通道、电动车入户"),
    ("邻里纠纷与矛盾调处", "dispute", "噪音、漏水、占道、宠物等邻里矛盾"),
    ("社区公益金与微实事项目资金使用", "public", "项目征集、评审与资金使用"),
    ("惠民政策在社区的落实", "policy", "补贴、救助、优惠政策落实中的具体安排"),
    ("社区规划与城市更新涉及居民利益的事项", "development", "更新改造方案、配套设施、过渡安置"),
    ("社区文化体育活动与场地使用", "public", "活动安排、场地开放时间与使用规则"),
    ("居民公约与小区管理规约", "other", "居民公约、管理规约的制定和修订"),
    ("其他涉及居民切身利益的公共事务", "other", "经社区党组织、居委会研究确定的其他事项"),
)
