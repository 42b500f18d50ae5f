## Koine — 简体中文。英文版中的每个键都必须在 ja、zh-CN 和 es 中存在（由测试检查）。

brand = Koine
tagline = 跟真正的老师学语言。
skip-to-content = 跳到主要内容
nav-home = 首页
nav-profile = 我的资料
nav-settings = 设置
nav-staff = 员工控制台
nav-login = 登录
nav-signup = 注册
nav-logout = 退出登录
nav-main = 主导航
footer-privacy = 隐私声明
footer-language = 语言
footer-change-language = 更改
footer-copyright = Koine 是开源软件。

## 首页
home-title = 找到你的老师，自信开口说。
home-lead = Koine 为学习者与七十多种语言的老师牵线搭桥，提供在线一对一课程。
home-cta-signup = 免费创建账户
home-cta-login = 我已有账户
home-feature-teachers-title = 真正的老师
home-feature-teachers-body = 专业教师和社区辅导老师，每一位都经过我们团队的审核。
home-feature-privacy-title = 你的数据，由你做主
home-feature-privacy-body = 资料的每个部分对谁可见，都由你决定。我们的隐私声明根据我们实际保存的数据生成。
home-feature-anywhere-title = 随时随地学习
home-feature-anywhere-body = 可在手机、平板或电脑上使用，即使不启用 JavaScript 也能正常运行。
home-welcome = 欢迎回来，{ $name }！
home-signed-in-lead = 你的学习空间正在建设中。在此期间，请完善你的个人资料，让老师更了解你。
home-edit-profile = 编辑我的资料

## 注册
signup-title = 创建账户
signup-lead = 使用电子邮箱或手机号注册，也可以两者都填。
field-display-name = 显示名称
field-display-name-hint = 会向老师和其他会员显示。
field-email = 电子邮箱
field-phone = 手机号
field-phone-hint = 请使用国际格式，例如 +86 138 0013 8000。
field-password = 密码
field-password-hint = 至少 8 个字符。建议使用较长的密码短语；常见密码将被拒绝。
field-birth-date = 出生日期
field-birth-date-hint = 我们询问这一信息是为了保护年龄较小的学习者。除非你选择公开，否则不会向他人显示。
field-time-zone = 时区
field-time-zone-hint = 课程时间将按此时区显示。您之后可以更改。
signup-submit = 创建账户
signup-have-account = 已有账户？
signup-done-title = 请查看你的消息
signup-done-body = 如果你提供的信息可以使用，我们已通过电子邮件发送验证链接，或通过短信发送验证码。请按照提示激活你的账户。
signup-enter-code = 我收到了短信验证码
signup-too-young-title = 很抱歉
signup-too-young-body = 你需要年满 { $age } 岁才能使用 Koine。你输入的任何信息都没有被保存。等你长大了欢迎再来，我们很期待与你相见！

## 验证
verify-email-title = 确认你的电子邮箱
verify-email-body = 请点击按钮，确认将此电子邮箱用于你的 Koine 账户。
verify-email-submit = 确认电子邮箱
verify-done-title = 已确认
verify-done-body = 谢谢。你的联系方式已确认，现在可以登录了。
verify-phone-title = 输入验证码
verify-phone-body = 我们已向你的手机号发送了一个六位数验证码。
field-code = 验证码
verify-phone-submit = 确认手机号
verify-bad-code = 此链接或验证码无效或已过期。请重新登录以获取新的链接或验证码。

## 登录
login-title = 登录
login-lead = 请使用注册时填写的电子邮箱或手机号。
field-identifier = 电子邮箱或手机号
login-submit = 登录
login-forgot = 忘记密码？
login-no-account = 初次使用 Koine？
login-failed = 电子邮箱、手机号或密码不正确。
login-not-verified = 请先确认你的电子邮箱或手机号。我们已向你发送了新的链接。
login-throttled = 尝试次数过多。请等待 { $minutes } 分钟后再试。

## 重置密码
forgot-title = 重置密码
forgot-lead = 请输入您账户的电子邮件地址或手机号码。我们将通过电子邮件发送链接，或通过短信发送验证码，以便您设置新密码。
forgot-submit = 发送重置链接
forgot-done = 如果有账户使用该邮箱，重置链接已发出，有效期为一小时。
reset-title = 设置新密码
reset-submit = 保存新密码
reset-done = 你的密码已更改，所有会话均已退出登录。现在可以登录了。
field-new-password = 新密码
field-current-password = 当前密码

## 重新验证身份
reauth-title = 确认是你本人
reauth-lead = 为了你的账户安全，请再次输入密码以继续。
reauth-submit = 继续

## 个人资料
profile-title = 个人资料
profile-native = 会说
profile-learning = 正在学习
profile-about = 关于
profile-birth-date = 出生日期
profile-gender = 性别
profile-location = 所在地
profile-country = 国家/地区
profile-time-zone = 时区
profile-no-bio = 暂无自我介绍。
profile-edit = 编辑资料
profile-avatar-alt = { $name } 的头像

## 编辑个人资料
edit-title = 编辑个人资料
edit-saved = 你的更改已保存。
field-bio = 关于你
field-country = 国家/地区
field-country-none = 未指定
field-ui-locale = 界面语言
field-gender = 性别
field-gender-none = 不愿透露
field-location = 城市或地区
field-visibility = 谁可以查看
visibility-public = 所有人
visibility-members = 仅会员
visibility-private = 仅自己
field-languages = 语言
field-languages-hint = 添加你的母语和正在学习的语言，并注明你的水平。
field-language = 语言
field-level = 水平
language-none = — 请选择 —
edit-submit = 保存资料
avatar-title = 头像
avatar-hint = 支持 PNG、JPEG、WebP 或 GIF，最大 5 MB。我们会重新编码图片，并删除位置等隐藏数据。
avatar-upload = 上传头像
avatar-remove = 删除头像
field-avatar = 图片文件

gender-female = 女
gender-male = 男
gender-non_binary = 非二元性别
gender-other = 其他

level-A1 = A1 · 入门
level-A2 = A2 · 初级
level-B1 = B1 · 中级
level-B2 = B2 · 中高级
level-C1 = C1 · 高级
level-C2 = C2 · 精通
level-native = 母语

## 设置
settings-title = 设置
settings-account = 账户
settings-email = 电子邮箱
settings-phone = 手机号
settings-verified = 已验证
settings-unverified = 尚未验证
settings-none = 无
settings-change-email = 更改电子邮箱
settings-change-phone = 更改手机号
settings-change-email-done = 我们已向新邮箱发送了确认链接。点击链接后更改即生效。
settings-change-phone-done = 我们已向新手机号发送了验证码。请在下方输入以确认。
settings-password = 密码
settings-change-password = 更改密码
settings-end-others = 退出我的所有其他会话
settings-password-changed = 你的密码已更改。
settings-sessions = 活跃会话
settings-sessions-lead = 当前登录你账户的设备。如有不认识的设备，请结束其会话。
session-current = 本设备
session-started = 登录时间
session-last-seen = 最近活动
session-end = 结束会话
session-unknown-device = 未知设备
settings-minor-note = 你的账户被标记为属于未成年人。部分功能需要经过父母或监护人确认。
settings-language = 界面语言
settings-language-save = 保存语言

## 员工
staff-title = 员工控制台
staff-members = 会员
staff-search = 按姓名或电子邮箱搜索
staff-search-submit = 搜索
staff-no-results = 未找到会员。
staff-open = 打开
staff-role = 角色
staff-joined = 加入时间
staff-member-title = 会员档案
staff-reason = 访问原因（可选）
staff-reason-hint = 将与你的访问一起记录在审计日志中。
staff-open-record = 打开档案
staff-audit = 访问审计日志
staff-audit-lead = 员工每次打开会员个人数据的记录。
staff-audit-actor = 员工
staff-audit-subject = 会员
staff-audit-action = 操作
staff-audit-when = 时间
staff-audit-reason = 原因
staff-access-notice = 打开此档案的操作会被记录在审计日志中。

## 隐私声明
privacy-title = 隐私声明
privacy-lead = 本声明根据 Koine 的数据地图生成（数据导出、删除和保留期限也由同一份地图驱动），因此始终与我们实际存储的内容一致。
privacy-category = 什么数据
privacy-purposes = 为什么
privacy-basis = 法律依据
privacy-retention = 保留多久
privacy-unconfirmed = 从未确认的注册将在注册 { $days } 天后连同所有相关数据一起删除。
privacy-generated = 根据数据地图版本 { $version } 生成。
purpose-provide_service = 为你提供所请求的服务
purpose-security = 保障账户安全，防止滥用
purpose-service_messages = 发送服务所需的消息
purpose-profile = 按你的选择展示你的个人资料
purpose-legal_compliance = 履行法律义务，并确保员工行为可追溯
purpose-operations = 维持系统正常运行
basis-consent = 你的同意（GDPR Art. 6(1)(a)）
basis-contract = 履行我们与你之间的合同（Art. 6(1)(b)）
basis-legal_obligation = 法律义务（Art. 6(1)(c)）
basis-vital_interests = 重大利益（Art. 6(1)(d)）
basis-public_task = 公共任务（Art. 6(1)(e)）
basis-legitimate_interests = 我们的正当利益（Art. 6(1)(f)）
retention-account_lifetime = 在你拥有账户期间
retention-until_instant = 直至过期
retention-days_after = { $days } 天
retention-years_after = { $years } 年（依法律要求）
retention-system = 在系统需要期间

## 错误
error-title = 出错了
error-not-found = 找不到该页面。
error-forbidden = 你无权访问此页面。
error-internal = 我们这边出了点问题。请重试。
error-csrf = 表单已过期。请返回上一页，刷新页面后重试。
error-invalid-email = 请输入有效的电子邮箱。
error-invalid-phone = 请以国际格式输入手机号，以 + 开头。
error-invalid-identifier = 请输入你的电子邮箱或以 + 开头的手机号。
error-email-or-phone-required = 请输入电子邮箱或手机号。
error-password-too-short = 密码至少需要 8 个字符。
error-password-too-long = 密码最多 128 个字符。
error-password-too-guessable = 此密码过于常见或容易被猜到。请尝试更长的密码短语。
error-wrong-password = 密码不正确。
error-invalid-date = 请按“年-月-日”格式输入日期。
error-implausible-birth-date = 请输入你的真实出生日期。
error-required = 此项为必填项。
error-too-long = 文本过长。
error-too-many = 条目过多。
error-invalid-characters = 包含不允许使用的字符。
error-control-characters = 包含不允许使用的字符。
error-invalid-choice = 请从选项中选择一项。
error-invalid-time-zone = 请选择有效的时区。
error-duplicate-language = 每种语言只能添加一次。
error-not-an-image = 此文件不是受支持的图片格式。
error-file-too-large = 此文件超过 5 MB。
error-email-taken = 此电子邮箱已被其他账户使用。
error-phone-taken = 此手机号已被其他账户使用。
error-unknown-field = 表单内容不完整或包含意外的字段。
error-bad-request = 无法处理此请求。请返回上一页后重试。
error-form-summary = 请更正突出显示的字段。

## 我们发送的消息
mail-greeting = { $name }，你好：
mail-verify-subject = 确认你在 Koine 的电子邮箱
mail-verify-body = 欢迎来到 Koine！
    
    请打开以下链接确认你的电子邮箱：
    { $url }
    
    此链接在 48 小时内有效。如果你没有注册过，请忽略此邮件。
mail-exists-subject = 有人尝试用你的邮箱注册
mail-exists-body = 有人（也许是你）尝试用此邮箱创建 Koine 账户，但该邮箱已有账户。
    
    如果是你本人，直接登录即可。如果你忘记了密码，可以在这里重置：
    { $url }
    
    如果不是你本人，请忽略此邮件；你的账户没有任何变化。
mail-reset-subject = 重置你的 Koine 密码
mail-reset-body = 我们收到了重置你密码的请求。请在这里设置新密码：
    { $url }
    
    此链接在一小时内有效。如果你没有提出此请求，请忽略此邮件，你的密码不会改变。
mail-password-changed-subject = 你的 Koine 密码已更改
mail-password-changed-body = 你的 Koine 账户密码刚刚被更改。如果不是你本人操作，请立即重置密码并联系客服。
mail-email-change-subject = 你的 Koine 电子邮箱正在被更改
mail-email-change-body = 有人登录了你的账户并请求更改电子邮箱。如果不是你本人操作，请立即更改密码并联系客服。
sms-code = 你的 Koine 验证码是 { $code }，15 分钟内有效。
sms-exists = 有人尝试用此手机号注册 Koine，但该号码已有账户。如果是你本人，直接登录即可。

## 隐私声明：各数据表保存的内容及数据类别
table-accounts = 你的账户：你如何登录，以及我们如何联系你
table-subject-keys = 你的个人加密密钥（密钥本身也经过加密）
table-profiles = 你的个人资料，按你的选择向他人展示
table-profile-languages = 你会说或正在学习的语言
table-sessions = 已登录你账户的设备
table-one-time-codes = 我们发送给你、用于验证身份或重置密码的验证码和链接
table-outbox = 我们发送给你的电子邮件和短信（送达后即删除内容）
table-legal-holds = 为法律主张而保留您数据的法律保全
table-consent-events = 您的同意选择及其记录
table-visitor-consent-events = 未登录访客的 Cookie 选择
table-data-exports = 您申请的数据副本
table-audit-events = 员工打开你个人数据的记录
category-system-operations = 技术记录
category-user-account-username = 显示名称
category-user-account-settings = 账户和界面设置
category-user-authorization-credentials = 密码和秘密令牌（仅以哈希值形式存储）
category-user-contact-email = 电子邮箱
category-user-contact-phone_number = 手机号
category-user-contact-address-city = 你选择公开的所在地
category-user-contact-address-country = 国家/地区
category-user-demographic-date_of_birth = 出生日期及是否成年
category-user-demographic-gender = 性别
category-user-demographic-language = 语言及水平
category-user-content-public = 你撰写的个人资料文字
category-user-content-self_image = 头像
category-user-content-message = 我们发送给你的消息
category-user-device-ip_address = IP 地址
category-user-device-device_type = 浏览器和设备信息
category-user-behavior-session = 登录会话及其活动时间
category-user-unique_id = 内部标识符
category-user-legal-hold = 法律保全及其原因
category-user-privacy_preferences = 同意选择和隐私信号
category-user-privacy_request = 您的数据保护请求和导出
category-user-security-audit = 员工访问你数据的记录
category-user-security-encryption_key = 你的个人加密密钥（加密保存）

## Staff roles and audit actions
role-admin = 管理员
role-support = 客服支持
role-trust_safety = 信任与安全
role-finance = 财务
role-privacy_officer = 隐私官
audit-action-view_member = 查看了会员记录
audit-action-search_members = 搜索了会员目录
category-user-contact = 电子邮件地址或手机号码
sms-number-in-use = 有人试图将此号码添加到另一个 Koine 账户。没有任何更改；如果不是您本人操作，可以忽略此消息。
forgot-code-sent = 如果有账户使用该号码，我们已通过短信发送一个六位数验证码。请输入验证码和新密码。验证码 15 分钟内有效。
sms-reset-code = 您的 Koine 密码重置验证码是 { $code }，15 分钟内有效。如果这不是您本人的请求，请忽略此消息。

## Account deletion
delete-title = 删除您的账户
delete-teaser = 永久删除您的账户以及我们持有的您的个人数据。
delete-continue = 继续删除账户
delete-lead = 删除账户是永久性的，无法撤销。
delete-what-goes-title = 将被删除的内容
delete-what-goes = 您的账户、个人资料、头像、语言、登录会话、验证码、消息和同意记录都将被删除，您的个人加密密钥也将被销毁，因此受其保护的字段将无法再被读取。
delete-what-stays-title = 保留的内容及保留期限
delete-sign-up-again = 您之后可以使用同一电子邮件地址重新注册；那将是一个与此账户无关的新账户。
delete-confirm = 我了解此操作无法撤销
delete-confirm-needed = 请勾选此框，确认您要删除账户。
delete-submit = 删除我的账户
delete-done = 您的账户已删除。我们已向您的电子邮件地址发送确认信息。
mail-deleted-subject = 您的 Koine 账户已删除
mail-deleted-body = 根据您的要求，您的 Koine 账户及其关联的个人数据已被删除。法律要求保留的记录仅在规定期限内保存，且不含您的姓名。感谢您在 Koine 学习。

## Legal holds
hold-title = 法律保全
hold-none = 没有法律保全。
hold-active = 生效中
hold-lifted = 已解除
hold-reason = 原因（必填；将记录在审计日志中）
hold-place = 设置法律保全
hold-lift = 解除
hold-placed = 法律保全已生效。在解除之前，该会员的数据不会被删除或清理。
hold-lifted-done = 法律保全已解除。
hold-reason-needed = 设置法律保全需要填写原因。
delete-held = 由于我们必须为法律主张保留您的数据，目前无法删除您的账户。请联系客服了解详情。
audit-action-place_legal_hold = 设置了法律保全
audit-action-lift_legal_hold = 解除了法律保全

## Privacy choices and consent
footer-privacy-choices = 您的隐私选择
privacy-choices-title = 您的隐私选择
privacy-choices-lead = 请选择在服务必需范围之外您允许的内容。除非您主动开启，这里的各项均为关闭状态，而且您的选择绝不会影响价格或功能。
privacy-choices-save = 保存选择
privacy-choices-saved = 您的选择已保存。
privacy-choices-gpc = 您的浏览器发送了全球隐私控制（GPC）信号。我们将其视为不出售或共享您的数据、且不个性化推荐的请求。
privacy-choices-history = 您的选择记录
privacy-choices-purpose = 用途
privacy-choices-choice = 选择
privacy-choices-source = 方式
consent-preference_cookies = 用 Cookie 记住我的偏好
consent-analytics = 匿名使用情况分析
consent-marketing_email = 通过电子邮件接收新闻和优惠
consent-personalised_recommendations = 个性化的教师推荐
consent-sale_sharing = 向第三方出售或共享我的数据
consent-research_recordings = 将课程录像用于研究
consent-classroom_recording = 录制我的课堂
consent-granted = 已同意
consent-withdrawn = 已撤回
consent-source-sign_up = 注册时
consent-source-settings = 在设置中
consent-source-banner = Cookie 横幅
consent-source-gpc = 全球隐私控制
consent-source-dnt = 请勿追踪（DNT）
consent-source-api = 通过 API
hold-lift-reason = 解除原因（必填）
privacy-choices-dnt = 您的浏览器发送了“请勿追踪”（DNT）信号。我们将其视为对分析的反对。

## Access report
my-data-title = 您的数据
my-data-lead = Koine 持有的关于您的全部数据、用途、法律依据和保存期限，均来自驱动删除和保留的同一份数据地图。
my-data-records = { $count } 条记录
my-data-staff-title = 我们的员工查看您数据的记录
my-data-staff-none = 没有员工查看过您的数据。
my-data-teaser = 查看我们持有的关于您的数据，以及员工何时查看过这些数据。
my-data-open = 查看您的数据

export-title = 下载您的数据副本
export-lead = 我们会把保存的关于您的全部信息打包成 ZIP 文件：机器可读的 JSON（每类数据一个文件，说明见 schema.json）以及用于电子表格的 CSV。几分钟内即可准备好，届时我们会发邮件通知您。再次输入密码后，可在 7 天内下载。
export-request = 准备我的导出
export-requested = 申请于 { $when }
export-expires = 已就绪；可下载至 { $when }
export-download = 下载 ZIP 文件
export-pending = 正在准备，请稍后刷新此页面。
export-readme = 这是 Koine 保存的关于您的个人数据副本。

    data/*.json  每类数据一个机器可读文件
    data/*.csv   相同内容，供电子表格使用
    schema.json  每个文件和字段的含义、保存目的、法律依据和保存期限
    files/       您上传的文件，例如头像

    其他人只以化名出现，不含其个人信息。
    如有疑问，请查看您所用 Koine 网站的隐私声明。
mail-export-ready-subject = 您的 Koine 数据导出已就绪
mail-export-ready-body = 您申请的数据副本已准备好。请登录后打开“设置”中的“您的数据”，在 7 天内下载。如果这不是您的操作，请修改密码。

table-processing-restrictions = 您限制我们使用数据的记录
consent-source-objection = 您的反对
error-conflict = 与当前状态冲突。请刷新页面后重试。
objection-title = 反对对您数据的某种使用
objection-lead = 您可随时提出反对。我们会立即停止；对于直接营销，无一例外。
objection-marketing_email = 停止所有营销邮件
objection-personalised_recommendations = 停止个性化推荐（画像分析）
objection-analytics = 停止对我的使用情况进行分析
restriction-title = 限制处理
restriction-lead = 在限制处理期间，我们保留您的数据，但仅用于存储和法律主张：您的资料将被隐藏，不进行营销、分析或个性化。您仍可登录并在此解除限制。例如，在您对数据准确性提出异议期间可使用此功能。
restriction-reason = 原因（可选）
restriction-submit = 限制对我数据的处理
restriction-active = 自 { $when } 起，您的数据处理已受限制。您的资料已隐藏，数据仅被存储。
restriction-lift = 解除限制

footer-cookies = Cookie
banner-title = 关于 Cookie 和您数据的选择
banner-text = 除非您允许，我们只使用运行 Koine 所必需的 Cookie。其他用途包括偏好和分析 Cookie、个性化推荐、营销以及与第三方共享。您的选择不会改变任何价格或功能，您可随时通过每页底部的“Cookie”进行更改。
banner-accept = 全部接受
banner-reject = 全部拒绝
banner-choose = 自行选择
cookies-title = Cookie 和隐私选择
cookies-lead = 请选择 Koine 在必要范围之外可以做什么。撤回与同意一样容易，您的选择不会改变任何价格或功能。“请勿出售或共享我的个人信息”即不勾选共享。
cookies-choose = 您允许的内容
cookies-necessary = 始终开启，因为 Koine 离不开它们：登录和安全 Cookie，以及记住此选择的 Cookie。
cookies-save = 保存我的选择

table-privacy-requests = 您通过表单提出的数据保护请求
category-user-name = 您在请求中提供的姓名
category-user-content-request = 您在请求中填写的内容
footer-request = 提出隐私请求
request-title = 提出隐私请求
request-lead = 无论是否有账户，任何人都可以使用此表单；家长或监护人可代孩子提出请求。我们会先确认您的邮箱地址，然后在一个月内（加利福尼亚州居民为 45 天内）答复，并在每一步通知您。会员也可以在“设置”中自行完成大部分操作。
request-kind = 您的请求
request-kind-access = 获取你们保存的关于我的数据副本
request-kind-export = 以机器可读文件获取我的数据
request-kind-rectification = 更正关于我的数据
request-kind-erasure = 删除我的数据
request-kind-restriction = 限制对我数据的处理
request-kind-objection = 反对对我数据的某种使用
request-kind-opt_out_sale = 请勿出售或共享我的个人信息
request-kind-child_erasure = 删除我孩子的数据
request-relation = 数据涉及的人
request-relation-self = 我本人
request-relation-parent = 我的孩子（我是家长或监护人）
request-relation-agent = 我所代表的人
request-regime = 您的居住地
request-regime-gdpr = 欧盟、欧洲经济区、英国或其他地区
request-regime-ccpa = 加利福尼亚州
request-name = 您的姓名
request-details = 有助于我们找到数据的信息（如为孩子：其姓名及邮箱或电话）
request-submit = 提交请求
request-sent = 谢谢。如果地址正确，您将收到一封含有确认链接的邮件。确认后我们即开始处理。
request-verify-title = 确认您的请求
request-verify-lead = 请确认此隐私请求是您本人提出的。
request-verify-submit = 确认请求
request-verified = 您的请求已确认。我们已通过邮件告知答复期限。
mail-request-subject = 您向 Koine 提出的隐私请求
mail-request-verify-body = 我们收到了使用此邮箱地址提出的隐私请求。如需确认，请打开此链接：{ $url } 如果这不是您提出的，请忽略此邮件，我们不会进行任何操作。
mail-request-received-body = 您的请求（{ $kind }）已确认。我们最迟将于 { $date } 答复。
mail-request-extended-body = 我们需要更多时间答复您的请求，因此已将期限延长至 { $date }。原因：{ $reason }
mail-request-completed-body = 我们已完成您的请求。{ $outcome }
mail-request-rejected-body = 我们无法执行您的请求。{ $outcome } 您可以向数据保护监管机构投诉。
staff-requests-title = 隐私请求
staff-requests-none = 暂无请求。
staff-requests-received = 收到时间
staff-requests-due = 截止时间
staff-requests-verified = 身份已核实
staff-requests-status = 状态
staff-requests-overdue = 已逾期
staff-requests-yes = 是
staff-requests-no = 尚未
staff-requests-account = 匹配的账户
staff-requests-no-account = 未找到
staff-requests-extension = 延期原因
staff-requests-extend = 延长期限
staff-requests-close = 结束请求
staff-requests-outcome = 结果（将发送给请求者）
staff-requests-complete = 已完成
staff-requests-reject = 已拒绝
request-status-unverified = 等待邮件确认
request-status-open = 处理中
request-status-extended = 处理中，期限已延长
request-status-completed = 已完成
request-status-rejected = 已拒绝
audit-action-view_privacy_request = 打开了与您有关的隐私请求

table-guardian-consents = 您的家长或监护人的确认
guardian-title = 您的家长或监护人
guardian-email = 他们的邮箱地址
guardian-ask = 请他们确认
guardian-asked = 我们已向您的家长或监护人发送确认链接。
guardian-confirmed = 您的家长或监护人已于 { $when } 确认。您可以使用所有功能。
guardian-confirm-title = 以家长或监护人身份确认
guardian-confirm-lead = 一位未满 18 岁的 Koine 会员指定您为其家长或监护人。确认后，他们可以给老师发消息并支付课程费用。您可随时通过隐私请求表单要求删除其数据。
guardian-confirm-submit = 我是其家长或监护人，我同意
guardian-confirm-done = 谢谢。您的确认已记录。
mail-guardian-subject = 请确认您孩子的 Koine 账户
mail-guardian-body = 未满 18 岁的 Koine 会员 { $name } 请您确认其账户，以便给老师发消息并支付课程费用。如果您是其家长或监护人并同意，请打开：{ $url } 如果不是，请忽略此邮件，不会有任何变化。
mail-guardian-confirmed-subject = 您的家长或监护人已确认您的账户
mail-guardian-confirmed-body = 您的家长或监护人已确认您的 Koine 账户。您现在可以使用所有功能。
underage-title = 未达最低年龄
underage-lead = 如果该会员未达到使用 Koine 的最低年龄，其账户将立即停用并删除数据。原因会被记录。
underage-reason = 您是如何发现的（将被记录）
underage-submit = 停用并删除此账户
underage-done = 该账户已停用，数据已删除。
underage-held = 法律保全要求保留此账户的数据，请先解除。
underage-reason-needed = 请说明您是如何发现的；原因会被记录。
mail-deleted-underage-body = 由于 Koine 仅供达到最低年龄者使用，您的 Koine 账户已关闭，数据已删除。法律要求保留的记录仅在规定期限内保存，且不含您的姓名。
audit-action-erase_underage = 因最低年龄限制关闭了您的账户

table-policy-versions = 本声明的各个版本
privacy-updated = 最后更新于 { $when }
privacy-who = 谁对您的数据负责
privacy-controller = 控制者
privacy-contact = 联系方式
privacy-dpo = 数据保护官
privacy-storage = 数据存储地点
privacy-processors = 为我们处理数据的机构
privacy-processors-none = 无：本网站自行处理您的数据。
privacy-processor = 处理者
privacy-location = 所在地
privacy-transfer = 跨境传输保障措施
privacy-no-sale = 我们不出售您的个人信息，仅在您允许时才与第三方共享。
privacy-rights = 您的权利及行使方式
privacy-right-access = 查看和下载您的数据（访问权、可携带权）
privacy-right-rectify = 更正您的数据
privacy-right-erase = 删除您的账户和数据
privacy-right-restrict = 限制处理、提出反对、管理同意
privacy-right-opt-out = Cookie 和“请勿出售或共享我的个人信息”
privacy-right-request = 向我们提出请求（无账户或代孩子亦可）
privacy-complain = 您可以向监管机构投诉：
privacy-children = 儿童
privacy-children-text = Koine 允许 { $age } 岁及以上人士使用。未满 18 岁的会员需经家长或监护人确认后才能给老师发消息和付款；家长可随时要求删除孩子的数据。
privacy-cookies-text = 在您做出选择之前，我们只设置运行网站所必需的 Cookie：登录、安全（表单保护）以及记住您选择的 Cookie。其他 Cookie 需要您的同意，您可随时撤回。
privacy-versions = 早期版本
privacy-version-as-of = 本声明于 { $when } 发布时的内容
privacy-version-current = 查看当前声明
privacy-kind = 数据种类
mail-policy-subject = 我们的隐私声明已更新
mail-policy-body = 我们已于 { $date } 更新 Koine 隐私声明。您可以在 { $url } 查看变更内容及所有早期版本。凡依赖您同意的处理，我们会在开展任何新处理前再次征求您的同意。

table-breaches = 个人数据泄露记录
table-breach-notices = 我们发给您的安全通知
category-user-security-breach = 个人数据泄露记录
error-in-future = 不能是将来的时间。
breach-title = 数据泄露
breach-lead = 请记录每一起个人数据泄露。须在发现后 72 小时内向监管机构报告；若对受影响者风险较高，应及时通知他们。
breach-what = 发生了什么
breach-description = 说明（将发送给受影响者）
breach-discovered = 发现时间
breach-categories = 受影响的数据种类
breach-record = 记录泄露事件
breach-reported = 已向监管机构报告
breach-report-due = 报告截止（72 小时）
breach-affected = 当前受影响人数（依据数据地图）
breach-report = 记录向监管机构的报告
breach-reference = 监管机构的受理编号
breach-notify = 通知受影响者（邮件和应用内）
breach-notified = 已通知
breach-notice-title = 安全通知
mail-breach-subject = 重要：影响您 Koine 数据的安全事件
mail-breach-body = 我们特此告知一起影响您个人数据的安全事件：{ $title }。{ $description } 如有疑问，请联系隐私声明中列出的隐私联系人。

records-title = 处理活动记录
records-lead = 根据数据地图和控制者配置生成的处理活动记录（GDPR 第 30 条）。
records-download = 下载 JSON
records-controller = 控制者
records-subjects = 数据主体
records-version = 政策版本
records-storage = 存储位置
records-recipients = 接收方（处理者）
records-no-processors = 未配置处理者：一切都在运营者自己的服务器上运行。
records-tables = 存放位置与保存期限
records-measures = 安全措施

fraud-title = 因欺诈关闭
fraud-lead = 账户将被关闭，其数据立即删除。其邮箱地址和手机号的带密钥哈希将保存 5 年，使其无法再次注册；原因会被记录。
fraud-reason = 欺诈情况（将被记录）
fraud-submit = 关闭账户并封禁其标识
fraud-done = 账户已关闭，数据已删除，其标识已被封禁。
fraud-held = 法律保全要求保留此账户的数据，请先解除。
fraud-reason-needed = 请说明欺诈情况；原因会被记录。
mail-deleted-fraud-body = 您的 Koine 账户因违反我们的条款被用于欺诈而被关闭，其数据已删除。您的邮箱地址和手机号将无法再用于开设账户。法律要求保留的记录仅在规定期限内保存。如您认为有误，请联系隐私声明中列出的隐私联系人。
mail-banned-subject = 关于您的 Koine 注册
mail-banned-body = 有人尝试用此邮箱地址注册 Koine 账户。该地址无法使用：使用它的账户已因欺诈被关闭。如您认为有误，请联系隐私声明中列出的隐私联系人。
sms-banned = Koine：使用此号码的账户已因欺诈被关闭，此号码无法用于注册账户。
audit-action-ban_fraud = 因欺诈关闭了一个账户
table-fraud-bans = 因欺诈被关闭账户的标识的带密钥哈希
category-user-security-fraud_ban = 账户因欺诈被关闭的记录及原因

settings-security-log = 最近的安全活动
settings-security-log-lead = 登录以及登录方式的变更，按时间倒序排列。我们保存 90 天；7 天后只保留地址所属的网络，不保留地址本身。
security-event-signed_in = 登录
security-event-sign_in_failed = 登录失败（密码错误）
security-event-reauth_failed = 确认身份时密码错误
security-event-password_changed = 已更改密码
security-event-password_reset = 已重置密码
security-event-email_confirmed = 已确认邮箱地址
security-event-phone_confirmed = 已确认手机号
table-security-events = 登录以及登录方式的变更
category-user-device-ip_network = IP 地址所属的网络（截短后的地址）
category-user-behavior-security_event = 登录、登录失败以及密码、邮箱或手机号的变更

privacy-source = 来源
source-subject = 您本人
source-device = 您的浏览器或设备
source-service = Koine
source-staff = Koine 工作人员
source-other_person = 您的父母或监护人

disclosure-title = 向他方披露
disclosure-lead = 每次将此会员的数据提供给 Koine 以外的人（例如依据法院命令的机关）时，请记录下来。会员可在"您的数据"中看到此记录。
disclosure-none = 没有披露记录。
disclosure-kind = 接收方类型
disclosure-recipient = 接收方
disclosure-categories = 提供的数据
disclosure-reason = 原因（法律依据或请求编号；将被记录）
disclosure-date = 提供日期
disclosure-submit = 记录此次披露
disclosure-recorded = 已记录此次披露；会员可在"您的数据"中看到。
disclosure-invalid = 请填写接收方、至少一类数据、原因以及不晚于今天的日期。
recipient-authority = 机关
recipient-processor = 服务提供商
recipient-other = 其他
audit-action-record_disclosure = 记录了您的数据被提供给 Koine 以外的人
my-data-recipients-title = 我们与谁共享
my-data-recipients-members = 其他会员和访客按照您选择的方式看到您的个人资料。
my-data-recipients-profile-link = 选择个人资料显示的内容
my-data-recipients-processors = 以下公司根据合同代我们处理数据：
my-data-recipients-no-processors = 没有公司代我们处理您的数据：一切都在我们自己的服务器上运行。
my-data-disclosures = 提供给 Koine 以外的人
my-data-disclosures-none = 您的数据未被提供给 Koine 以外的任何人。
table-disclosures = 您的数据被提供给 Koine 以外的人的记录
category-user-legal-disclosure = 您的数据被提供给机关等 Koine 以外的人的记录

correction-title = 更正
correction-lead = 您的出生日期决定您可以使用 Koine 的哪些功能，因此您无法自行更改。如有错误，请让我们更正：我们的隐私负责人会在一个月内处理，并通过邮件告知您。
correction-birth-date = 正确的出生日期
correction-note = 需要说明的情况（可选）
correction-submit = 申请更正
correction-requested = 已收到您的申请。处理完毕后我们会发邮件告知您。
correction-requested-title = 申请的更正
correction-apply = 应用更正并关闭申请
correction-too-young = 更正后的出生日期低于最低年龄：请改为关闭该账户（会员页面上的"低于最低年龄"）。
correction-field-birth_date = 出生日期
correction-applied-birth_date = 我们已按您的要求更正了您的出生日期。
error-correction-needs-email = 请先添加并确认邮箱地址：我们通过邮件答复更正申请。
audit-action-apply_correction = 按您的要求更正了您的数据

consent-again-title = 请查看您的隐私选择
consent-again-lead = 我们的隐私声明发生了影响您所同意内容的变更，因此这些同意已暂停，直到您再次给予。您拒绝的内容没有变化。
consent-again-link = 查看您的选择
consent-again-badge = 您在变更前同意过：如需保留请再次勾选
