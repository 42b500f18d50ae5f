## Koine — 日本語。英語版のすべてのキーが ja、zh-CN、es にも必要です（テストで確認されます）。

brand = Koine
tagline = 本物の先生と、語学を学ぼう。
skip-to-content = 本文へスキップ
nav-home = ホーム
nav-profile = マイプロフィール
nav-settings = 設定
nav-staff = スタッフコンソール
nav-login = ログイン
nav-signup = 新規登録
nav-logout = ログアウト
nav-main = メインナビゲーション
footer-privacy = プライバシーに関するお知らせ
footer-language = 言語
footer-change-language = 変更
footer-copyright = Koine はオープンソースソフトウェアです。

## ホーム
home-title = あなたにぴったりの先生を見つけて、自信を持って話しましょう。
home-lead = Koine は、70以上の言語の先生と学習者をつなぎ、オンラインでマンツーマンのレッスンを提供します。
home-cta-signup = 無料アカウントを作成
home-cta-login = すでにアカウントをお持ちの方
home-feature-teachers-title = 本物の先生
home-feature-teachers-body = プロの講師とコミュニティチューターが在籍し、全員を私たちのチームが確認しています。
home-feature-privacy-title = あなたのデータは、あなたが決める
home-feature-privacy-body = プロフィールの各項目を誰に公開するかは、あなたが決められます。プライバシーに関するお知らせは、私たちが実際に保持しているデータをもとに生成されています。
home-feature-anywhere-title = どこでも学べる
home-feature-anywhere-body = スマートフォン、タブレット、パソコンで利用でき、JavaScript がなくても動作します。
home-welcome = おかえりなさい、{ $name } さん！
home-signed-in-lead = あなたの学習スペースは現在準備中です。その間に、先生にあなたのことを知ってもらえるよう、プロフィールを完成させましょう。
home-edit-profile = プロフィールを編集

## 新規登録
signup-title = アカウントを作成
signup-lead = メールアドレスまたは携帯電話番号（両方でも可）で登録できます。
field-display-name = 表示名
field-display-name-hint = 先生やほかのメンバーに表示されます。
field-email = メールアドレス
field-phone = 携帯電話番号
field-phone-hint = 国際形式で入力してください（例：+81 90 1234 5678）。
field-password = パスワード
field-password-hint = 8文字以上。長いパスフレーズがおすすめです。よく使われるパスワードは利用できません。
field-birth-date = 生年月日
field-birth-date-hint = 年少の学習者の安全を守るためにお尋ねしています。公開を選ばない限り、ほかの人には表示されません。
field-time-zone = タイムゾーン
field-time-zone-hint = レッスンの時刻はこのタイムゾーンで表示されます。後から変更できます。
signup-submit = アカウントを作成
signup-have-account = すでにアカウントをお持ちですか？
signup-done-title = メッセージをご確認ください
signup-done-body = ご入力いただいた連絡先が利用可能な場合、確認用リンクをメールで、または確認コードを SMS でお送りしました。案内に従ってアカウントを有効化してください。
signup-enter-code = SMS でコードを受け取りました
signup-too-young-title = 申し訳ありません
signup-too-young-body = Koine をご利用いただくには { $age } 歳以上である必要があります。ご入力いただいた情報は一切保存されていません。大きくなったら、ぜひまたお越しください。お待ちしています！

## 確認
verify-email-title = メールアドレスの確認
verify-email-body = ボタンを押して、このメールアドレスを Koine アカウントのものとして確認してください。
verify-email-submit = メールアドレスを確認
verify-done-title = 確認が完了しました
verify-done-body = ありがとうございます。連絡先の確認が完了しました。ログインできるようになりました。
verify-phone-title = コードを入力してください
verify-phone-body = 携帯電話番号に6桁のコードをお送りしました。
field-code = コード
verify-phone-submit = 番号を確認
verify-bad-code = このリンクまたはコードは無効か、有効期限が切れています。もう一度ログインして、新しいものをリクエストしてください。

## ログイン
login-title = ログイン
login-lead = 登録時に使用したメールアドレスまたは携帯電話番号を入力してください。
field-identifier = メールアドレスまたは携帯電話番号
login-submit = ログイン
login-forgot = パスワードをお忘れですか？
login-no-account = Koine は初めてですか？
login-failed = メールアドレス、携帯電話番号、またはパスワードが正しくありません。
login-not-verified = 先にメールアドレスまたは携帯電話番号の確認を完了してください。新しいリンクをお送りしました。
login-throttled = 試行回数が多すぎます。{ $minutes } 分後にもう一度お試しください。

## パスワードの再設定
forgot-title = パスワードの再設定
forgot-lead = アカウントのメールアドレスまたは携帯電話番号を入力してください。新しいパスワードを設定するためのリンクをメールで、またはコードをSMSでお送りします。
forgot-submit = 再設定リンクを送信
forgot-done = そのアドレスを使用しているアカウントがある場合、再設定リンクをお送りしました。リンクの有効期限は1時間です。
reset-title = 新しいパスワードを設定
reset-submit = 新しいパスワードを保存
reset-done = パスワードが変更され、すべてのセッションからログアウトしました。ログインできるようになりました。
field-new-password = 新しいパスワード
field-current-password = 現在のパスワード

## 再認証
reauth-title = ご本人確認
reauth-lead = セキュリティのため、続行するにはパスワードを再入力してください。
reauth-submit = 続行

## プロフィール
profile-title = プロフィール
profile-native = 話せる言語
profile-learning = 学習中の言語
profile-about = 自己紹介
profile-birth-date = 生年月日
profile-gender = 性別
profile-location = 地域
profile-country = 国
profile-time-zone = タイムゾーン
profile-no-bio = 自己紹介はまだありません。
profile-edit = プロフィールを編集
profile-avatar-alt = { $name } さんのプロフィール写真

## プロフィールの編集
edit-title = プロフィールを編集
edit-saved = 変更を保存しました。
field-bio = 自己紹介
field-country = 国
field-country-none = 指定なし
field-ui-locale = 表示言語
field-gender = 性別
field-gender-none = 回答しない
field-location = 市区町村または地域
field-visibility = 公開範囲
visibility-public = 全員
visibility-members = メンバーのみ
visibility-private = 自分のみ
field-languages = 言語
field-languages-hint = ネイティブとして話せる言語と学習中の言語を、レベルとあわせて追加してください。
field-language = 言語
field-level = レベル
language-none = — 選択してください —
edit-submit = プロフィールを保存
avatar-title = プロフィール写真
avatar-hint = PNG、JPEG、WebP、GIF 形式、5 MB まで。画像は再エンコードされ、位置情報などの隠れたデータは削除されます。
avatar-upload = 写真をアップロード
avatar-remove = 写真を削除
field-avatar = 画像ファイル

gender-female = 女性
gender-male = 男性
gender-non_binary = ノンバイナリー
gender-other = その他

level-A1 = A1 · 入門
level-A2 = A2 · 初級
level-B1 = B1 · 中級
level-B2 = B2 · 中上級
level-C1 = C1 · 上級
level-C2 = C2 · 熟達
level-native = ネイティブ

## 設定
settings-title = 設定
settings-account = アカウント
settings-email = メールアドレス
settings-phone = 携帯電話番号
settings-verified = 確認済み
settings-unverified = 未確認
settings-none = なし
settings-change-email = メールアドレスを変更
settings-change-phone = 携帯電話番号を変更
settings-change-email-done = 新しいアドレスに確認用リンクをお送りしました。リンクを開くと変更が反映されます。
settings-change-phone-done = 新しい番号にコードをお送りしました。下に入力して確認してください。
settings-password = パスワード
settings-change-password = パスワードを変更
settings-end-others = ほかのすべてのセッションからログアウトする
settings-password-changed = パスワードを変更しました。
settings-sessions = ログイン中のセッション
settings-sessions-lead = 現在あなたのアカウントにログインしているデバイスです。心当たりのないものがあれば終了してください。
session-current = このデバイス
session-started = ログイン日時
session-last-seen = 最終アクティブ
session-end = セッションを終了
session-unknown-device = 不明なデバイス
settings-minor-note = あなたのアカウントは未成年者のものとして登録されています。一部の機能では、保護者の確認が必要になります。
settings-language = 表示言語
settings-language-save = 言語を保存

## スタッフ
staff-title = スタッフコンソール
staff-members = メンバー
staff-search = 名前またはメールアドレスで検索
staff-search-submit = 検索
staff-no-results = メンバーが見つかりませんでした。
staff-open = 開く
staff-role = 役割
staff-joined = 登録日
staff-member-title = メンバー記録
staff-reason = アクセスの理由（任意）
staff-reason-hint = あなたのアクセスとともに監査ログに記録されます。
staff-open-record = 記録を開く
staff-audit = アクセス監査ログ
staff-audit-lead = スタッフがメンバーの個人データを開いたすべての記録です。
staff-audit-actor = スタッフ
staff-audit-subject = メンバー
staff-audit-action = 操作
staff-audit-when = 日時
staff-audit-reason = 理由
staff-access-notice = この記録を開くと、監査ログに記録されます。

## プライバシーに関するお知らせ
privacy-title = プライバシーに関するお知らせ
privacy-lead = このお知らせは Koine のデータマップ（データのエクスポート、削除、保存期間の管理に使われているものと同じマップ）から生成されているため、私たちが実際に保存している内容と常に一致します。
privacy-category = 内容
privacy-purposes = 目的
privacy-basis = 法的根拠
privacy-retention = 保存期間
privacy-unconfirmed = 確認されなかった登録は、登録から { $days } 日後に、関連するすべてのデータとともに削除されます。
privacy-generated = データマップのバージョン { $version } から生成されました。
purpose-provide_service = ご依頼いただいたサービスを提供するため
purpose-security = アカウントを安全に保ち、不正利用を防ぐため
purpose-service_messages = サービスに必要なメッセージを送信するため
purpose-profile = あなたの選択に従ってプロフィールを表示するため
purpose-legal_compliance = 法的義務を果たし、スタッフの責任を明確にするため
purpose-operations = システムを稼働させ続けるため
basis-consent = あなたの同意（GDPR Art. 6(1)(a)）
basis-contract = あなたとの契約の履行（Art. 6(1)(b)）
basis-legal_obligation = 法的義務（Art. 6(1)(c)）
basis-vital_interests = 生命に関わる利益（Art. 6(1)(d)）
basis-public_task = 公共の任務（Art. 6(1)(e)）
basis-legitimate_interests = 当社の正当な利益（Art. 6(1)(f)）
retention-account_lifetime = アカウントをお持ちの間
retention-until_instant = 有効期限まで
retention-days_after = { $days } 日間
retention-years_after = 法律の定めにより { $years } 年間
retention-system = システムが必要とする間

## エラー
error-title = 問題が発生しました
error-not-found = ページが見つかりませんでした。
error-forbidden = このページにアクセスする権限がありません。
error-internal = サーバー側で問題が発生しました。もう一度お試しください。
error-csrf = フォームの有効期限が切れました。前のページに戻り、再読み込みしてからもう一度お試しください。
error-invalid-email = 有効なメールアドレスを入力してください。
error-invalid-phone = 携帯電話番号を + から始まる国際形式で入力してください。
error-invalid-identifier = メールアドレス、または + から始まる携帯電話番号を入力してください。
error-email-or-phone-required = メールアドレスまたは携帯電話番号を入力してください。
error-password-too-short = パスワードは8文字以上にしてください。
error-password-too-long = パスワードは128文字以内にしてください。
error-password-too-guessable = このパスワードはよく使われているか、推測されやすいものです。より長いパスフレーズをお試しください。
error-wrong-password = パスワードが正しくありません。
error-invalid-date = 日付を「年-月-日」の形式で入力してください。
error-implausible-birth-date = 正しい生年月日を入力してください。
error-required = この項目は必須です。
error-too-long = テキストが長すぎます。
error-too-many = 項目が多すぎます。
error-invalid-characters = 使用できない文字が含まれています。
error-control-characters = 使用できない文字が含まれています。
error-invalid-choice = 選択肢の中から選んでください。
error-invalid-time-zone = 有効なタイムゾーンを選択してください。
error-duplicate-language = 同じ言語は1回しか追加できません。
error-not-an-image = このファイルは対応している画像形式ではありません。
error-file-too-large = ファイルサイズが 5 MB を超えています。
error-email-taken = このメールアドレスはすでに別のアカウントで使用されています。
error-phone-taken = この携帯電話番号はすでに別のアカウントで使用されています。
error-unknown-field = フォームの内容が不完全か、想定外の項目が含まれています。
error-bad-request = このリクエストを処理できませんでした。前のページに戻って、もう一度お試しください。
error-form-summary = 強調表示された項目を修正してください。

## 送信するメッセージ
mail-greeting = { $name } 様
mail-verify-subject = Koine のメールアドレスを確認してください
mail-verify-body = Koine へようこそ！
    
    以下のリンクを開いて、メールアドレスを確認してください。
    { $url }
    
    このリンクの有効期限は48時間です。お心当たりのない場合は、このメッセージを無視してください。
mail-exists-subject = あなたのアドレスで登録が試みられました
mail-exists-body = どなたか（あなたご自身かもしれません）が、すでにアカウントが存在するこのアドレスで Koine アカウントを作成しようとしました。
    
    ご本人の場合は、そのままログインしてください。パスワードをお忘れの場合は、こちらから再設定できます。
    { $url }
    
    お心当たりのない場合は、このメッセージを無視してください。アカウントに変更はありません。
mail-reset-subject = Koine のパスワードの再設定
mail-reset-body = パスワード再設定のリクエストを受け付けました。以下のリンクから新しいパスワードを設定してください。
    { $url }
    
    このリンクの有効期限は1時間です。お心当たりのない場合は、このメッセージを無視してください。パスワードは変更されません。
mail-password-changed-subject = Koine のパスワードが変更されました
mail-password-changed-body = お使いの Koine アカウントのパスワードが変更されました。お心当たりのない場合は、すぐにパスワードを再設定し、サポートにお問い合わせください。
mail-email-change-subject = Koine のメールアドレスの変更手続きが行われています
mail-email-change-body = あなたのアカウントにログインした人が、メールアドレスの変更をリクエストしました。お心当たりのない場合は、すぐにパスワードを変更し、サポートにお問い合わせください。
sms-code = Koine の確認コードは { $code } です。有効期限は15分です。
sms-exists = すでにアカウントが存在するこの番号で、Koine への登録が試みられました。ご本人の場合は、そのままログインしてください。

## プライバシーに関するお知らせ：各テーブルの内容とデータの種類
table-accounts = あなたのアカウント：ログイン方法とご連絡先
table-subject-keys = あなた専用の暗号化キー（キー自体も暗号化されています）
table-profiles = あなたのプロフィール（選択した範囲でほかの人に表示されます）
table-profile-languages = 話せる言語・学習中の言語
table-sessions = あなたのアカウントにログインしているデバイス
table-one-time-codes = ご本人確認やパスワード再設定のためにお送りするコードとリンク
table-outbox = お送りするメールと SMS（配信後に本文は削除されます）
table-legal-holds = 法的請求のためにデータを保全するリーガルホールド
table-consent-events = 同意の選択とその履歴
table-visitor-consent-events = サインインしていない訪問者の Cookie の選択
table-data-exports = ご依頼いただいたデータのコピー
table-audit-events = スタッフがあなたの個人データを開いた記録
category-system-operations = 技術的な記録
category-user-account-username = 表示名
category-user-account-settings = アカウントと表示の設定
category-user-authorization-credentials = パスワードと秘密トークン（ハッシュ値としてのみ保存）
category-user-contact-email = メールアドレス
category-user-contact-phone_number = 携帯電話番号
category-user-contact-address-city = 共有することを選んだ地域
category-user-contact-address-country = 国
category-user-demographic-date_of_birth = 生年月日と成年・未成年の区分
category-user-demographic-gender = 性別
category-user-demographic-language = 言語とレベル
category-user-content-public = あなたが書いたプロフィールの文章
category-user-content-self_image = プロフィール写真
category-user-content-message = お送りするメッセージ
category-user-device-ip_address = IP アドレス
category-user-device-device_type = ブラウザとデバイスの情報
category-user-behavior-session = ログインセッションとその利用日時
category-user-unique_id = 内部識別子
category-user-legal-hold = リーガルホールドとその理由
category-user-privacy_preferences = 同意の選択とプライバシー信号
category-user-privacy_request = データ保護に関するご請求とエクスポート
category-user-security-audit = スタッフによるデータへのアクセス記録
category-user-security-encryption_key = あなた専用の暗号化キー（暗号化して保管）

## Staff roles and audit actions
role-admin = 管理者
role-support = サポート
role-trust_safety = トラスト＆セーフティ
role-finance = 経理
role-privacy_officer = 個人情報保護責任者
audit-action-view_member = 会員の記録を閲覧
audit-action-search_members = 会員名簿を検索
category-user-contact = メールアドレスまたは携帯電話番号
sms-number-in-use = この番号を別の Koine アカウントに追加しようとする操作がありました。変更は行われていません。お心当たりのない場合は、このメッセージを無視してください。
forgot-code-sent = その番号を使用しているアカウントがある場合、6桁のコードをSMSで送信しました。コードと新しいパスワードを入力してください。コードの有効期限は15分です。
sms-reset-code = Koine のパスワード再設定コードは { $code } です。有効期限は15分です。お心当たりのない場合は、このメッセージを無視してください。

## Account deletion
delete-title = アカウントの削除
delete-teaser = アカウントと、当社が保有するあなたの個人データを完全に削除します。
delete-continue = アカウント削除に進む
delete-lead = アカウントの削除は完全なもので、元に戻すことはできません。
delete-what-goes-title = 削除されるもの
delete-what-goes = アカウント、プロフィール、プロフィール写真、言語、ログインセッション、コード、メッセージ、同意の履歴が削除され、あなた専用の暗号鍵が破棄されるため、その鍵で保護されていた項目は読み取れなくなります。
delete-what-stays-title = 残るものとその期間
delete-sign-up-again = 後で同じメールアドレスで再登録できます。その場合、このアカウントとは関連のない新しいアカウントになります。
delete-confirm = この操作は取り消せないことを理解しました
delete-confirm-needed = アカウントを削除することを確認するため、チェックボックスにチェックを入れてください。
delete-submit = アカウントを削除する
delete-done = アカウントを削除しました。確認のメールをお送りしました。
mail-deleted-subject = Koine アカウントを削除しました
mail-deleted-body = ご依頼に基づき、Koine アカウントとそれに関連する個人データを削除しました。法律で保存が義務付けられている記録は、必要な期間のみ、お名前なしで保管されます。Koine でのご学習、ありがとうございました。

## Legal holds
hold-title = リーガルホールド
hold-none = リーガルホールドはありません。
hold-active = 有効
hold-lifted = 解除済み
hold-reason = 理由（必須、監査ログに記録されます）
hold-place = リーガルホールドを設定
hold-lift = 解除
hold-placed = リーガルホールドを設定しました。解除されるまで、この会員のデータは削除も自動消去もされません。
hold-lifted-done = リーガルホールドを解除しました。
hold-reason-needed = リーガルホールドには理由が必要です。
delete-held = 法的請求のためにデータを保全する必要があるため、現在アカウントを削除できません。詳しくはサポートにお問い合わせください。
audit-action-place_legal_hold = リーガルホールドを設定
audit-action-lift_legal_hold = リーガルホールドを解除

## Privacy choices and consent
footer-privacy-choices = プライバシーの選択
privacy-choices-title = プライバシーの選択
privacy-choices-lead = サービスに必要不可欠な範囲を超えて許可する内容を選んでください。ここでの項目はご自身で有効にしない限りすべて無効で、選択によって料金や機能が変わることはありません。
privacy-choices-save = 選択を保存
privacy-choices-saved = 選択を保存しました。
privacy-choices-gpc = お使いのブラウザーはグローバル・プライバシー・コントロール（GPC）信号を送信しています。データの販売・共有の拒否と、おすすめの個人化の拒否として扱います。
privacy-choices-history = 選択の履歴
privacy-choices-purpose = 目的
privacy-choices-choice = 選択
privacy-choices-source = 方法
consent-preference_cookies = Cookie で設定を記憶する
consent-analytics = 匿名の利用状況分析
consent-marketing_email = メールでのお知らせやキャンペーン
consent-personalised_recommendations = 個人に合わせた講師のおすすめ
consent-sale_sharing = 第三者へのデータの販売・共有
consent-research_recordings = レッスン録画の研究利用
consent-classroom_recording = 教室セッションの録画
consent-granted = 同意
consent-withdrawn = 撤回
consent-source-sign_up = 登録時
consent-source-settings = 設定画面
consent-source-banner = Cookie バナー
consent-source-gpc = グローバル・プライバシー・コントロール
consent-source-dnt = トラッキング拒否（DNT）
consent-source-api = API 経由
hold-lift-reason = 解除の理由（必須）
privacy-choices-dnt = お使いのブラウザーはトラッキング拒否（DNT）信号を送信しています。分析への異議として扱います。

## Access report
my-data-title = あなたのデータ
my-data-lead = Koine が保有するあなたに関するすべてのデータと、その目的、法的根拠、保存期間を表示します。削除や保存期間の管理と同じデータマップから作成しています。
my-data-records = { $count } 件の記録
my-data-staff-title = スタッフがあなたのデータを閲覧した記録
my-data-staff-none = スタッフがあなたのデータを閲覧した記録はありません。
my-data-teaser = 当社が保有するあなたのデータと、スタッフが閲覧した日時を確認できます。
my-data-open = データを確認する

export-title = データのコピーをダウンロード
export-lead = 保有するすべての情報を ZIP ファイルにまとめます。機械で読める JSON（データの種類ごとに 1 ファイル、schema.json で説明）と表計算用の CSV が含まれます。数分で準備でき、完了したらメールでお知らせします。パスワードを再入力すると、7 日間ダウンロードできます。
export-request = エクスポートを準備する
export-requested = { $when } に依頼
export-expires = 準備完了。{ $when } までダウンロードできます
export-download = ZIP ファイルをダウンロード
export-pending = 準備中です。しばらくしてからこのページを再読み込みしてください。
export-readme = これは Koine が保有するあなたの個人データのコピーです。

    data/*.json  データの種類ごとの機械可読ファイル
    data/*.csv   同じ内容の表計算用ファイル
    schema.json  各ファイルと列の意味、保有する目的、法的根拠、保存期間
    files/       プロフィール写真などのアップロード

    他の人は仮名でのみ表示され、その個人情報は含まれません。
    ご質問は、ご利用の Koine サイトのプライバシー通知をご覧ください。
mail-export-ready-subject = Koine のデータエクスポートの準備ができました
mail-export-ready-body = ご依頼のデータのコピーの準備ができました。サインインして「設定」→「あなたのデータ」から 7 日以内にダウンロードしてください。お心当たりがない場合は、パスワードを変更してください。

table-processing-restrictions = データ利用を制限した記録
consent-source-objection = 異議申し立て
error-conflict = 現在の状態と矛盾します。ページを再読み込みして、もう一度お試しください。
objection-title = データの利用に異議を申し立てる
objection-lead = いつでも異議を申し立てられます。直ちに停止し、ダイレクトマーケティングは例外なく停止します。
objection-marketing_email = マーケティングメールをすべて停止
objection-personalised_recommendations = パーソナライズされたおすすめ（プロファイリング）を停止
objection-analytics = 利用状況の分析を停止
restriction-title = 処理の制限
restriction-lead = 処理を制限している間、データは保管しますが、保管と法的請求のためにのみ使用します。プロフィールは非表示になり、マーケティング、分析、パーソナライズは行いません。引き続きサインインでき、ここで制限を解除できます。たとえばデータの正確性に異議がある間にご利用ください。
restriction-reason = 理由（任意）
restriction-submit = データの処理を制限する
restriction-active = { $when } からデータの処理を制限しています。プロフィールは非表示で、データは保管のみされています。
restriction-lift = 制限を解除する

footer-cookies = Cookie
banner-title = Cookie とデータの扱いについての選択
banner-text = 許可いただかない限り、Koine の運営に必要な Cookie のみを使用します。追加の対象は、設定と分析の Cookie、パーソナライズされたおすすめ、マーケティング、第三者との共有です。選択によって料金や機能が変わることはなく、各ページ下部の「Cookie」からいつでも変更できます。
banner-accept = すべて許可
banner-reject = すべて拒否
banner-choose = 選択する
cookies-title = Cookie とプライバシーの選択
cookies-lead = 必要最小限を超えて Koine が行ってよいことを選んでください。撤回は同意と同じくらい簡単で、選択によって料金や機能が変わることはありません。「個人情報を販売・共有しない」は、共有にチェックを入れないことを意味します。
cookies-choose = 許可する内容
cookies-necessary = Koine の動作に欠かせないため常に有効：サインインとセキュリティの Cookie、およびこの選択を記憶する Cookie。
cookies-save = 選択を保存

table-privacy-requests = フォームから送信されたデータ保護のご請求
category-user-name = ご請求時にお伝えいただいたお名前
category-user-content-request = ご請求に記載いただいた内容
footer-request = プライバシーに関する請求
request-title = プライバシーに関する請求
request-lead = アカウントの有無にかかわらず、どなたでもこのフォームを利用できます。保護者の方はお子さまに代わって請求できます。まずメールアドレスを確認し、1 か月以内（カリフォルニア州にお住まいの方は 45 日以内）に回答し、各段階でお知らせします。会員の方はほとんどの手続きを「設定」からご自身で行えます。
request-kind = ご請求の内容
request-kind-access = 保有している私のデータのコピー
request-kind-export = 機械可読形式の私のデータ
request-kind-rectification = 私に関するデータの訂正
request-kind-erasure = 私のデータの削除
request-kind-restriction = 私のデータの処理の制限
request-kind-objection = 私のデータの利用への異議
request-kind-opt_out_sale = 私の個人情報を販売・共有しないこと
request-kind-child_erasure = 子どものデータの削除
request-relation = 対象となる方
request-relation-self = 本人
request-relation-parent = 子ども（私は保護者です）
request-relation-agent = 私が代理する方
request-regime = お住まいの地域
request-regime-gdpr = 欧州連合、EEA、英国、その他
request-regime-ccpa = カリフォルニア州
request-name = お名前
request-details = データの特定に役立つ情報（お子さまの場合：氏名とメールアドレスまたは電話番号）
request-submit = 請求を送信
request-sent = ありがとうございます。アドレスが正しければ、請求を確認するためのリンクをメールでお送りします。確認後に対応を開始します。
request-verify-title = ご請求の確認
request-verify-lead = このプライバシーに関する請求をご自身が行ったことを確認してください。
request-verify-submit = 請求を確認する
request-verified = ご請求を確認しました。回答期限をメールでお知らせしました。
mail-request-subject = Koine へのプライバシーに関するご請求
mail-request-verify-body = このメールアドレスでプライバシーに関する請求を受け付けました。確認するには次のリンクを開いてください：{ $url } お心当たりがない場合は、このメールを無視してください。何も行われません。
mail-request-received-body = ご請求（{ $kind }）を確認しました。遅くとも { $date } までに回答します。
mail-request-extended-body = 回答にさらに時間を要するため、期限を { $date } に延長しました。理由：{ $reason }
mail-request-completed-body = ご請求への対応が完了しました。{ $outcome }
mail-request-rejected-body = ご請求に対応できませんでした。{ $outcome } データ保護の監督機関に苦情を申し立てることができます。
staff-requests-title = プライバシーに関する請求
staff-requests-none = まだ請求はありません。
staff-requests-received = 受付日時
staff-requests-due = 期限
staff-requests-verified = 本人確認
staff-requests-status = 状態
staff-requests-overdue = 期限超過
staff-requests-yes = 済み
staff-requests-no = 未完了
staff-requests-account = 該当するアカウント
staff-requests-no-account = 見つかりません
staff-requests-extension = 延長の理由
staff-requests-extend = 期限を延長する
staff-requests-close = 請求を完了する
staff-requests-outcome = 結果（請求者に送信されます）
staff-requests-complete = 完了
staff-requests-reject = 拒否
request-status-unverified = メール確認待ち
request-status-open = 対応中
request-status-extended = 対応中（期限延長）
request-status-completed = 完了
request-status-rejected = 拒否
audit-action-view_privacy_request = あなたに関するプライバシー請求を開きました

table-guardian-consents = 保護者の確認
guardian-title = 保護者
guardian-email = 保護者のメールアドレス
guardian-ask = 確認を依頼する
guardian-asked = 保護者に確認用のリンクをメールで送りました。
guardian-confirmed = { $when } に保護者が確認しました。すべての機能を利用できます。
guardian-confirm-title = 保護者としての確認
guardian-confirm-lead = 18 歳未満の Koine 会員があなたを保護者として指定しました。確認すると、講師へのメッセージ送信とレッスンの支払いができるようになります。プライバシーに関する請求フォームから、いつでもお子さまのデータの削除を依頼できます。
guardian-confirm-submit = 保護者として同意します
guardian-confirm-done = ありがとうございます。確認を記録しました。
mail-guardian-subject = お子さまの Koine アカウントの確認のお願い
mail-guardian-body = 18 歳未満の Koine 会員 { $name } さんから、講師へのメッセージ送信とレッスンの支払いのためにアカウントの確認を依頼されました。保護者として同意される場合は次を開いてください：{ $url } 心当たりがない場合は、このメールを無視してください。何も変わりません。
mail-guardian-confirmed-subject = 保護者がアカウントを確認しました
mail-guardian-confirmed-body = 保護者があなたの Koine アカウントを確認しました。すべての機能を利用できます。
underage-title = 利用可能年齢未満
underage-lead = この会員が Koine の利用可能年齢に達していない場合、アカウントは直ちに停止され、データは消去されます。理由は記録されます。
underage-reason = 判明した経緯（記録されます）
underage-submit = このアカウントを停止して消去する
underage-done = アカウントを停止し、データを消去しました。
underage-held = 法的保全によりこのアカウントのデータは保持されています。先に解除してください。
underage-reason-needed = 判明した経緯を入力してください。理由は記録されます。
mail-deleted-underage-body = Koine は利用可能年齢に達した方のみご利用いただけるため、あなたの Koine アカウントを閉鎖し、データを削除しました。法律で保存が必要な記録は、必要な期間に限り、お名前を除いて保管します。
audit-action-erase_underage = 年齢制限のためアカウントを閉鎖しました

table-policy-versions = この通知の各版
privacy-updated = 最終更新 { $when }
privacy-who = データの管理責任者
privacy-controller = 管理者
privacy-contact = 連絡先
privacy-dpo = データ保護責任者
privacy-storage = データの保存場所
privacy-processors = データの処理を委託している事業者
privacy-processors-none = ありません。このサイト自身が処理しています。
privacy-processor = 委託先
privacy-location = 所在地
privacy-transfer = 国外移転の保護措置
privacy-no-sale = 個人情報を販売することはなく、第三者との共有はあなたが許可した場合に限ります。
privacy-rights = あなたの権利と行使方法
privacy-right-access = データの確認とダウンロード（アクセス権、データポータビリティ）
privacy-right-rectify = データの訂正
privacy-right-erase = アカウントとデータの削除
privacy-right-restrict = 処理の制限、異議申し立て、同意の管理
privacy-right-opt-out = Cookie と「個人情報を販売・共有しない」
privacy-right-request = 当社への請求（アカウントがなくても、お子さまのためでも）
privacy-complain = 監督機関に苦情を申し立てることができます：
privacy-children = お子さま
privacy-children-text = Koine は { $age } 歳から利用できます。18 歳未満の会員が講師へのメッセージ送信や支払いを行うには保護者の確認が必要です。保護者はいつでもお子さまのデータの削除を依頼できます。
privacy-cookies-text = 選択前は、サイトの運営に必要な Cookie（サインイン、セキュリティ（フォーム保護）、選択を記憶する Cookie）のみを設定します。その他の Cookie には同意が必要で、いつでも撤回できます。
privacy-versions = 過去の版
privacy-version-as-of = { $when } に公開されたこの通知
privacy-version-current = 現在の通知を見る
privacy-kind = データの種類
mail-policy-subject = プライバシー通知を更新しました
mail-policy-body = { $date } に Koine のプライバシー通知を更新しました。変更点と過去の版は { $url } でご覧いただけます。同意に基づく処理については、新たな処理を行う前に改めて同意をお願いします。

table-breaches = 個人データ侵害の記録
table-breach-notices = お送りしたセキュリティ通知
category-user-security-breach = 個人データ侵害の記録
error-in-future = 未来の日時は指定できません。
breach-title = データ侵害
breach-lead = 個人データの侵害はすべて記録してください。監督機関へは発見から 72 時間以内に報告が必要です。影響を受けた方へのリスクが高い場合は、遅滞なく通知します。
breach-what = 発生した事象
breach-description = 説明（影響を受けた方に送信されます）
breach-discovered = 発見日時
breach-categories = 影響を受けたデータの種類
breach-record = 侵害を記録する
breach-reported = 監督機関への報告
breach-report-due = 報告期限（72 時間）
breach-affected = 現在影響を受ける人数（データマップより）
breach-report = 監督機関への報告を記録する
breach-reference = 監督機関の受付番号
breach-notify = 影響を受けた方に通知する（メールとアプリ内）
breach-notified = 通知済み
breach-notice-title = セキュリティ通知
mail-breach-subject = 重要：Koine のデータに影響するセキュリティ事象について
mail-breach-body = あなたの個人データに影響するセキュリティ事象についてお知らせします：{ $title }。{ $description } ご質問は、プライバシー通知に記載の窓口までご連絡ください。

records-title = 処理活動の記録
records-lead = データマップと管理者の設定から生成した処理活動の記録（GDPR 第 30 条）です。
records-download = JSON でダウンロード
records-controller = 管理者
records-subjects = データ主体
records-version = ポリシーのバージョン
records-storage = 保存場所
records-recipients = 受領者（処理者）
records-no-processors = 処理者は設定されていません。すべて運営者自身のサーバーで動いています。
records-tables = 保存先と保存期間
records-measures = 安全管理措置

fraud-title = 不正による閉鎖
fraud-lead = アカウントを閉鎖し、データを直ちに削除します。メールアドレスと電話番号の鍵付きハッシュを 5 年間保管し、再登録に使えないようにします。理由は記録されます。
fraud-reason = 不正の内容（記録されます）
fraud-submit = アカウントを閉鎖し識別子を禁止する
fraud-done = アカウントを閉鎖し、データを削除し、識別子を禁止しました。
fraud-held = 法的保全によりこのアカウントのデータは保持されています。先に解除してください。
fraud-reason-needed = 不正の内容を入力してください。理由は記録されます。
mail-deleted-fraud-body = あなたの Koine アカウントは、利用規約に反して不正に使われたため閉鎖し、データを削除しました。あなたのメールアドレスと電話番号は、今後アカウントの開設に使えません。法律で保存が必要な記録は、必要な期間に限り保管します。誤りだと思われる場合は、プライバシー通知に記載の窓口までご連絡ください。
mail-banned-subject = Koine への登録について
mail-banned-body = このアドレスで Koine のアカウント作成が試みられました。このアドレスは使用できません。このアドレスのアカウントは不正により閉鎖されています。誤りだと思われる場合は、プライバシー通知に記載の窓口までご連絡ください。
sms-banned = Koine：この番号のアカウントは不正により閉鎖されたため、この番号はアカウントに使用できません。
audit-action-ban_fraud = 不正によりアカウントを閉鎖しました
table-fraud-bans = 不正により閉鎖されたアカウントの識別子の鍵付きハッシュ
category-user-security-fraud_ban = アカウントが不正により閉鎖された記録とその理由

settings-security-log = 最近のセキュリティ関連の操作
settings-security-log-lead = ログインとログイン方法の変更を新しい順に表示します。90 日間保存し、7 日を過ぎるとアドレス自体ではなく、そのアドレスが属するネットワークだけを残します。
security-event-signed_in = ログイン
security-event-sign_in_failed = ログイン失敗（パスワード誤り）
security-event-reauth_failed = 本人確認でのパスワード誤り
security-event-password_changed = パスワード変更
security-event-password_reset = パスワード再設定
security-event-email_confirmed = メールアドレスの確認
security-event-phone_confirmed = 電話番号の確認
table-security-events = ログインとログイン方法の変更
category-user-device-ip_network = IP アドレスが属するネットワーク（アドレスを短くしたもの）
category-user-behavior-security_event = ログイン、ログイン失敗、パスワード・メール・電話番号の変更

privacy-source = 取得元
source-subject = あなた
source-device = あなたのブラウザーや端末
source-service = Koine
source-staff = Koine のスタッフ
source-other_person = 保護者

disclosure-title = 第三者への提供
disclosure-lead = この会員のデータを Koine の外部（裁判所の命令に応じた当局など）に提供したときは、その都度記録してください。会員は「あなたのデータ」で記録を確認できます。
disclosure-none = 提供の記録はありません。
disclosure-kind = 提供先の種類
disclosure-recipient = 提供先
disclosure-categories = 提供したデータ
disclosure-reason = 理由（法的根拠または依頼の参照番号。記録されます）
disclosure-date = 提供日
disclosure-submit = 提供を記録する
disclosure-recorded = 提供を記録しました。会員は「あなたのデータ」で確認できます。
disclosure-invalid = 提供先、少なくとも 1 種類のデータ、理由、未来ではない日付を入力してください。
recipient-authority = 当局
recipient-processor = 委託先
recipient-other = その他
audit-action-record_disclosure = あなたのデータの Koine 外部への提供を記録しました
my-data-recipients-title = 共有先
my-data-recipients-members = 他の会員や訪問者には、あなたが選んだとおりにプロフィールが表示されます。
my-data-recipients-profile-link = プロフィールの表示内容を選ぶ
my-data-recipients-processors = 次の企業が契約に基づき当社の委託でデータを処理しています：
my-data-recipients-no-processors = あなたのデータを当社の委託で処理する企業はありません。すべて当社のサーバーで動いています。
my-data-disclosures = Koine の外部への提供
my-data-disclosures-none = あなたのデータは Koine の外部の誰にも提供されていません。
table-disclosures = あなたのデータを Koine の外部に提供した記録
category-user-legal-disclosure = あなたのデータを当局など Koine の外部に提供した記録

correction-title = 訂正
correction-lead = 生年月日によって Koine で利用できる機能が決まるため、ご自身では変更できません。誤りがある場合は訂正を依頼してください。プライバシー責任者が 1 か月以内に対応し、メールでお知らせします。
correction-birth-date = 正しい生年月日
correction-note = 補足（任意）
correction-submit = 訂正を依頼する
correction-requested = 依頼を受け付けました。対応が済み次第メールでお知らせします。
correction-requested-title = 依頼された訂正
correction-apply = 訂正を反映して依頼を完了する
correction-too-young = 訂正後の生年月日は利用可能年齢に達していません。代わりにアカウントを閉鎖してください（会員ページの「利用可能年齢未満」）。
correction-field-birth_date = 生年月日
correction-applied-birth_date = ご依頼どおり生年月日を訂正しました。
error-correction-needs-email = 先にメールアドレスを追加して確認してください。訂正の依頼にはメールで回答します。
audit-action-apply_correction = ご依頼どおりデータを訂正しました

consent-again-title = プライバシー設定をご確認ください
consent-again-lead = 同意いただいた内容に関わる形でプライバシー通知が変更されたため、改めて同意いただくまでその同意は停止しています。拒否された項目は変わりません。
consent-again-link = 設定を確認する
consent-again-badge = 変更前に同意済み：続ける場合は再度チェックしてください
