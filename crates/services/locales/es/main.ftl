## Koine — español. Cada clave de este archivo debe existir en ja, zh-CN y es (lo comprueba una prueba).

brand = Koine
tagline = Aprende idiomas con profesores de verdad.
skip-to-content = Saltar al contenido
nav-home = Inicio
nav-profile = Mi perfil
nav-settings = Configuración
nav-staff = Consola del personal
nav-login = Iniciar sesión
nav-signup = Registrarse
nav-logout = Cerrar sesión
nav-main = Navegación principal
footer-privacy = Aviso de privacidad
footer-language = Idioma
footer-change-language = Cambiar
footer-copyright = Koine es software de código abierto.

## Inicio
home-title = Encuentra a tu profesor. Habla con confianza.
home-lead = Koine conecta a estudiantes con profesores de más de setenta idiomas para clases individuales en línea.
home-cta-signup = Crear una cuenta gratuita
home-cta-login = Ya tengo una cuenta
home-feature-teachers-title = Profesores de verdad
home-feature-teachers-body = Profesores profesionales y tutores de la comunidad, todos verificados por nuestro equipo.
home-feature-privacy-title = Tus datos, tu decisión
home-feature-privacy-body = Tú decides quién ve cada parte de tu perfil. Nuestro aviso de privacidad se genera a partir de los datos que realmente guardamos.
home-feature-anywhere-title = Aprende en cualquier lugar
home-feature-anywhere-body = Funciona en tu teléfono, tableta u ordenador, incluso sin JavaScript.
home-welcome = ¡Hola de nuevo, { $name }!
home-signed-in-lead = Estamos preparando tu espacio de aprendizaje. Mientras tanto, completa tu perfil para que los profesores te conozcan.
home-edit-profile = Editar mi perfil

## Registro
signup-title = Crea tu cuenta
signup-lead = Regístrate con tu correo electrónico o tu número de móvil, o con ambos.
field-display-name = Nombre visible
field-display-name-hint = Se muestra a los profesores y a otros miembros.
field-email = Correo electrónico
field-phone = Número de móvil
field-phone-hint = En formato internacional, por ejemplo +34 612 345 678.
field-password = Contraseña
field-password-hint = Al menos 8 caracteres. Lo mejor son las frases de contraseña largas; no se aceptan contraseñas comunes.
field-birth-date = Fecha de nacimiento
field-birth-date-hint = Te la pedimos para proteger a los estudiantes más jóvenes. Es privada, salvo que decidas mostrarla.
field-time-zone = Zona horaria
field-time-zone-hint = Las horas de las clases se muestran en esta zona. Puedes cambiarla más adelante.
signup-submit = Crear cuenta
signup-have-account = ¿Ya tienes una cuenta?
signup-done-title = Revisa tus mensajes
signup-done-body = Si los datos que nos diste se pueden usar, te hemos enviado un enlace de verificación por correo electrónico o un código por SMS. Síguelo para activar tu cuenta.
signup-enter-code = He recibido un código por SMS
signup-too-young-title = Lo sentimos
signup-too-young-body = Necesitas tener al menos { $age } años para usar Koine. No hemos guardado nada de lo que escribiste. Vuelve cuando seas mayor: ¡nos alegrará verte!

## Verificación
verify-email-title = Confirma tu correo electrónico
verify-email-body = Pulsa el botón para confirmar este correo electrónico para tu cuenta de Koine.
verify-email-submit = Confirmar correo electrónico
verify-done-title = Confirmado
verify-done-body = Gracias. Tus datos de contacto están confirmados y ya puedes iniciar sesión.
verify-phone-title = Introduce tu código
verify-phone-body = Hemos enviado un código de seis dígitos a tu número de móvil.
field-code = Código
verify-phone-submit = Confirmar número
verify-bad-code = Este enlace o código no es válido o ha caducado. Pide uno nuevo iniciando sesión otra vez.

## Iniciar sesión
login-title = Iniciar sesión
login-lead = Usa el correo electrónico o el número de móvil con el que te registraste.
field-identifier = Correo electrónico o número de móvil
login-submit = Iniciar sesión
login-forgot = ¿Olvidaste tu contraseña?
login-no-account = ¿Eres nuevo en Koine?
login-failed = El correo electrónico, el número de móvil o la contraseña no son correctos.
login-not-verified = Primero confirma tu correo electrónico o tu número de móvil. Te hemos enviado un enlace nuevo.
login-throttled = Demasiados intentos. Espera { $minutes } minutos y vuelve a intentarlo.

## Restablecer la contraseña
forgot-title = Restablece tu contraseña
forgot-lead = Introduce el correo electrónico o el número de móvil de tu cuenta. Te enviaremos un enlace por correo, o un código por SMS, para elegir una contraseña nueva.
forgot-submit = Enviar enlace de restablecimiento
forgot-done = Si alguna cuenta usa esa dirección, el enlace de restablecimiento ya está en camino. Es válido durante una hora.
reset-title = Elige una contraseña nueva
reset-submit = Guardar la contraseña nueva
reset-done = Tu contraseña se ha cambiado y se han cerrado todas las sesiones. Ya puedes iniciar sesión.
field-new-password = Contraseña nueva
field-current-password = Contraseña actual

## Volver a autenticarse
reauth-title = Confirma que eres tú
reauth-lead = Por tu seguridad, vuelve a introducir tu contraseña para continuar.
reauth-submit = Continuar

## Perfil
profile-title = Perfil
profile-native = Habla
profile-learning = Aprende
profile-about = Sobre mí
profile-birth-date = Fecha de nacimiento
profile-gender = Género
profile-location = Ubicación
profile-country = País
profile-time-zone = Zona horaria
profile-no-bio = Todavía no hay presentación.
profile-edit = Editar perfil
profile-avatar-alt = Foto de perfil de { $name }

## Edición del perfil
edit-title = Edita tu perfil
edit-saved = Se han guardado tus cambios.
field-bio = Sobre ti
field-country = País
field-country-none = Sin especificar
field-ui-locale = Idioma de la interfaz
field-gender = Género
field-gender-none = Prefiero no decirlo
field-location = Ciudad o región
field-visibility = Quién puede verlo
visibility-public = Todos
visibility-members = Solo miembros
visibility-private = Solo yo
field-languages = Idiomas
field-languages-hint = Añade los idiomas que hablas como nativo y los que estás aprendiendo, con tu nivel.
field-language = Idioma
field-level = Nivel
language-none = — elige —
edit-submit = Guardar perfil
avatar-title = Foto de perfil
avatar-hint = PNG, JPEG, WebP o GIF, hasta 5 MB. La volvemos a codificar y eliminamos datos ocultos, como la ubicación.
avatar-upload = Subir foto
avatar-remove = Eliminar foto
field-avatar = Archivo de imagen

gender-female = Femenino
gender-male = Masculino
gender-non_binary = No binario
gender-other = Otro

level-A1 = A1 · Principiante
level-A2 = A2 · Elemental
level-B1 = B1 · Intermedio
level-B2 = B2 · Intermedio alto
level-C1 = C1 · Avanzado
level-C2 = C2 · Dominio
level-native = Nativo

## Configuración
settings-title = Configuración
settings-account = Cuenta
settings-email = Correo electrónico
settings-phone = Número de móvil
settings-verified = verificado
settings-unverified = sin verificar
settings-none = ninguno
settings-change-email = Cambiar correo electrónico
settings-change-phone = Cambiar número de móvil
settings-change-email-done = Hemos enviado un enlace de confirmación a la nueva dirección. El cambio se aplicará cuando lo abras.
settings-change-phone-done = Hemos enviado un código al nuevo número. Introdúcelo abajo para confirmarlo.
settings-password = Contraseña
settings-change-password = Cambiar contraseña
settings-end-others = Cerrar todas mis demás sesiones
settings-password-changed = Tu contraseña se ha cambiado.
settings-sessions = Sesiones activas
settings-sessions-lead = Dispositivos con sesión iniciada en tu cuenta. Cierra cualquiera que no reconozcas.
session-current = Este dispositivo
session-started = Sesión iniciada
session-last-seen = Última actividad
session-end = Cerrar sesión
session-unknown-device = Dispositivo desconocido
settings-minor-note = Tu cuenta figura como perteneciente a una persona menor de edad. Algunas funciones necesitarán la confirmación de tu madre, padre o tutor legal.
settings-language = Idioma de la interfaz
settings-language-save = Guardar idioma

## Personal
staff-title = Consola del personal
staff-members = Miembros
staff-search = Buscar por nombre o correo electrónico
staff-search-submit = Buscar
staff-no-results = No se han encontrado miembros.
staff-open = Abrir
staff-role = Rol
staff-joined = Alta
staff-member-title = Ficha del miembro
staff-reason = Motivo del acceso (opcional)
staff-reason-hint = Se registra en el registro de auditoría junto con tu acceso.
staff-open-record = Abrir ficha
staff-audit = Registro de auditoría de accesos
staff-audit-lead = Cada vez que el personal abrió los datos personales de un miembro.
staff-audit-actor = Miembro del personal
staff-audit-subject = Miembro
staff-audit-action = Acción
staff-audit-when = Cuándo
staff-audit-reason = Motivo
staff-access-notice = La apertura de esta ficha queda registrada en el registro de auditoría.

## Aviso de privacidad
privacy-title = Aviso de privacidad
privacy-lead = Este aviso se genera a partir del mapa de datos de Koine —el mismo mapa que rige la exportación, la eliminación y la conservación—, así que siempre coincide con lo que realmente guardamos.
privacy-category = Qué
privacy-purposes = Por qué
privacy-basis = Base jurídica
privacy-retention = Cuánto tiempo
privacy-unconfirmed = Los registros que nunca se confirman se eliminan, con todo lo vinculado a ellos, { $days } días después de hacerse.
privacy-generated = Generado a partir de la versión { $version } del mapa de datos.
purpose-provide_service = Para prestarte el servicio que pediste
purpose-security = Para mantener las cuentas seguras y evitar abusos
purpose-service_messages = Para enviar los mensajes que necesita el servicio
purpose-profile = Para mostrar tu perfil según elijas
purpose-legal_compliance = Para cumplir obligaciones legales y que el personal rinda cuentas
purpose-operations = Para mantener el sistema en funcionamiento
basis-consent = Tu consentimiento (RGPD Art. 6(1)(a))
basis-contract = La ejecución de nuestro contrato contigo (Art. 6(1)(b))
basis-legal_obligation = Una obligación legal (Art. 6(1)(c))
basis-vital_interests = Intereses vitales (Art. 6(1)(d))
basis-public_task = Una misión de interés público (Art. 6(1)(e))
basis-legitimate_interests = Nuestros intereses legítimos (Art. 6(1)(f))
retention-account_lifetime = Mientras tengas una cuenta
retention-until_instant = Hasta que caduque
retention-days_after = { $days } días
retention-years_after = { $years } años, según exige la ley
retention-system = Mientras el sistema lo necesite

## Errores
error-title = Algo ha salido mal
error-not-found = No hemos encontrado esa página.
error-forbidden = No tienes acceso a esta página.
error-internal = Algo ha salido mal por nuestra parte. Vuelve a intentarlo.
error-csrf = Tu formulario ha caducado. Vuelve atrás, recarga la página e inténtalo de nuevo.
error-invalid-email = Introduce un correo electrónico válido.
error-invalid-phone = Introduce un número de móvil en formato internacional, empezando por +.
error-invalid-identifier = Introduce tu correo electrónico o un número de móvil que empiece por +.
error-email-or-phone-required = Introduce un correo electrónico o un número de móvil.
error-password-too-short = Tu contraseña debe tener al menos 8 caracteres.
error-password-too-long = Tu contraseña puede tener como máximo 128 caracteres.
error-password-too-guessable = Esta contraseña es demasiado común o fácil de adivinar. Prueba con una frase de contraseña más larga.
error-wrong-password = La contraseña no es correcta.
error-invalid-date = Introduce la fecha como año-mes-día.
error-implausible-birth-date = Introduce tu fecha de nacimiento real.
error-required = Este campo es obligatorio.
error-too-long = Este texto es demasiado largo.
error-too-many = Hay demasiadas entradas.
error-invalid-characters = Contiene caracteres no permitidos.
error-control-characters = Contiene caracteres no permitidos.
error-invalid-choice = Elige una de las opciones.
error-invalid-time-zone = Elige una zona horaria válida.
error-duplicate-language = Cada idioma solo puede aparecer una vez.
error-not-an-image = Este archivo no es una imagen compatible.
error-file-too-large = Este archivo supera los 5 MB.
error-email-taken = Este correo electrónico ya lo usa otra cuenta.
error-phone-taken = Este número de móvil ya lo usa otra cuenta.
error-unknown-field = El formulario estaba incompleto o contenía campos inesperados.
error-bad-request = No hemos podido entender esta solicitud. Vuelve atrás e inténtalo de nuevo.
error-form-summary = Corrige los campos resaltados.

## Mensajes que enviamos
mail-greeting = Hola, { $name }:
mail-verify-subject = Confirma tu correo electrónico para Koine
mail-verify-body = ¡Te damos la bienvenida a Koine!
    
    Confirma tu correo electrónico abriendo este enlace:
    { $url }
    
    El enlace es válido durante 48 horas. Si no te has registrado, ignora este mensaje.
mail-exists-subject = Alguien ha intentado registrarse con tu dirección
mail-exists-body = Alguien (quizá tú) ha intentado crear una cuenta de Koine con esta dirección, que ya tiene una cuenta.
    
    Si fuiste tú, simplemente inicia sesión. Si olvidaste tu contraseña, puedes restablecerla aquí:
    { $url }
    
    Si no fuiste tú, puedes ignorar este mensaje; tu cuenta no ha cambiado.
mail-reset-subject = Restablece tu contraseña de Koine
mail-reset-body = Hemos recibido una solicitud para restablecer tu contraseña. Elige una nueva aquí:
    { $url }
    
    El enlace es válido durante una hora. Si no lo has pedido, ignora este mensaje: tu contraseña seguirá siendo la misma.
mail-password-changed-subject = Se ha cambiado tu contraseña de Koine
mail-password-changed-body = Se acaba de cambiar la contraseña de tu cuenta de Koine. Si no fuiste tú, restablece tu contraseña de inmediato y ponte en contacto con el soporte.
mail-email-change-subject = Se está cambiando tu correo electrónico de Koine
mail-email-change-body = Alguien que ha iniciado sesión en tu cuenta ha pedido cambiar su correo electrónico. Si no fuiste tú, cambia tu contraseña de inmediato y ponte en contacto con el soporte.
sms-code = Tu código de Koine es { $code }. Caduca en 15 minutos.
sms-exists = Alguien ha intentado registrarse en Koine con este número, que ya tiene una cuenta. Si fuiste tú, simplemente inicia sesión.

## Aviso de privacidad: qué contiene cada tabla y categorías de datos
table-accounts = Tu cuenta: cómo inicias sesión y cómo nos ponemos en contacto contigo
table-subject-keys = Tu clave de cifrado personal, que a su vez está cifrada
table-profiles = Tu perfil, que otras personas ven según elijas
table-profile-languages = Idiomas que hablas o aprendes
table-sessions = Dispositivos con sesión iniciada en tu cuenta
table-one-time-codes = Códigos y enlaces que te enviamos para verificar tu identidad o restablecer tu contraseña
table-outbox = Correos electrónicos y SMS que te enviamos (el contenido se elimina una vez entregados)
table-legal-holds = Retenciones legales que conservan tus datos por una reclamación legal
table-consent-events = Tus opciones de consentimiento y su historial
table-visitor-consent-events = Opciones de cookies de visitantes sin sesión iniciada
table-data-exports = Copias de tus datos que pediste
table-audit-events = Registros de cada vez que el personal abrió tus datos personales
category-system-operations = Registros técnicos
category-user-account-username = Nombre visible
category-user-account-settings = Configuración de la cuenta y de la interfaz
category-user-authorization-credentials = Contraseña y tokens secretos (guardados solo como hashes)
category-user-contact-email = Correo electrónico
category-user-contact-phone_number = Número de móvil
category-user-contact-address-city = Ubicación que decidiste compartir
category-user-contact-address-country = País
category-user-demographic-date_of_birth = Fecha de nacimiento y si eres menor de edad
category-user-demographic-gender = Género
category-user-demographic-language = Idiomas y niveles
category-user-content-public = Textos de perfil que escribes
category-user-content-self_image = Foto de perfil
category-user-content-message = Mensajes que te enviamos
category-user-device-ip_address = Dirección IP
category-user-device-device_type = Descripción del navegador y del dispositivo
category-user-behavior-session = Sesiones iniciadas y sus horas de actividad
category-user-unique_id = Identificadores internos
category-user-legal-hold = Retenciones legales y sus motivos
category-user-privacy_preferences = Opciones de consentimiento y señales de privacidad
category-user-privacy_request = Tus solicitudes de protección de datos y exportaciones
category-user-security-audit = Registros de accesos del personal a tus datos
category-user-security-encryption_key = Tu clave de cifrado personal (guardada cifrada)

## Staff roles and audit actions
role-admin = Administración
role-support = Soporte
role-trust_safety = Confianza y seguridad
role-finance = Finanzas
role-privacy_officer = Delegado de protección de datos
audit-action-view_member = Abrió la ficha de un miembro
audit-action-search_members = Buscó en el directorio de miembros
category-user-contact = Correo electrónico o número de móvil
sms-number-in-use = Alguien intentó añadir este número a otra cuenta de Koine. No ha cambiado nada; si no fuiste tú, puedes ignorar este mensaje.
forgot-code-sent = Si alguna cuenta usa ese número, le hemos enviado por SMS un código de seis dígitos. Introdúcelo junto con tu nueva contraseña. El código es válido durante 15 minutos.
sms-reset-code = Tu código de Koine para restablecer la contraseña es { $code }. Caduca en 15 minutos. Si no lo has pedido, ignora este mensaje.

## Account deletion
delete-title = Eliminar tu cuenta
delete-teaser = Elimina de forma permanente tu cuenta y los datos personales que tenemos sobre ti.
delete-continue = Continuar con la eliminación de la cuenta
delete-lead = Eliminar tu cuenta es permanente y no se puede deshacer.
delete-what-goes-title = Qué se elimina
delete-what-goes = Se eliminan tu cuenta, tu perfil, tu foto, tus idiomas, tus sesiones, tus códigos, tus mensajes y tu historial de consentimiento, y se destruye tu clave de cifrado personal, de modo que los campos que protegía ya no se pueden leer.
delete-what-stays-title = Qué se conserva y durante cuánto tiempo
delete-sign-up-again = Más adelante puedes registrarte de nuevo con el mismo correo electrónico; será una cuenta nueva sin ninguna relación con esta.
delete-confirm = Entiendo que esto no se puede deshacer
delete-confirm-needed = Marca la casilla para confirmar que quieres eliminar tu cuenta.
delete-submit = Eliminar mi cuenta
delete-done = Tu cuenta se ha eliminado. Te hemos enviado una confirmación a tu correo electrónico.
mail-deleted-subject = Tu cuenta de Koine se ha eliminado
mail-deleted-body = Como pediste, hemos eliminado tu cuenta de Koine y los datos personales vinculados a ella. Los registros que la ley nos obliga a conservar se guardan solo durante el plazo exigido y sin tu nombre. Gracias por aprender con nosotros.

## Legal holds
hold-title = Retenciones legales
hold-none = No hay ninguna retención legal.
hold-active = Activa
hold-lifted = Levantada
hold-reason = Motivo (obligatorio; queda en el registro de auditoría)
hold-place = Aplicar una retención legal
hold-lift = Levantar
hold-placed = La retención legal está aplicada. Los datos de este miembro no se eliminarán ni se purgarán hasta que se levante.
hold-lifted-done = La retención legal se ha levantado.
hold-reason-needed = Una retención legal necesita un motivo.
delete-held = Ahora mismo no podemos eliminar tu cuenta porque debemos conservar tus datos por una reclamación legal. Ponte en contacto con soporte para saber más.
audit-action-place_legal_hold = Aplicó una retención legal
audit-action-lift_legal_hold = Levantó una retención legal

## Privacy choices and consent
footer-privacy-choices = Tus opciones de privacidad
privacy-choices-title = Tus opciones de privacidad
privacy-choices-lead = Elige lo que permites más allá de lo estrictamente necesario para el servicio. Nada de esto está activado salvo que tú lo actives, y tus elecciones nunca cambian precios ni funciones.
privacy-choices-save = Guardar opciones
privacy-choices-saved = Tus opciones se han guardado.
privacy-choices-gpc = Tu navegador envía una señal de Control Global de Privacidad. La tratamos como una petición de no vender ni compartir tus datos y de no personalizar las recomendaciones.
privacy-choices-history = Historial de tus opciones
privacy-choices-purpose = Finalidad
privacy-choices-choice = Elección
privacy-choices-source = Cómo
consent-preference_cookies = Recordar mis preferencias con cookies
consent-analytics = Analítica de uso anónima
consent-marketing_email = Novedades y ofertas por correo
consent-personalised_recommendations = Recomendaciones de profesores personalizadas
consent-sale_sharing = Venta o cesión de mis datos a terceros
consent-research_recordings = Uso de grabaciones de clases para investigación
consent-classroom_recording = Grabación de mis sesiones en el aula
consent-granted = Dado
consent-withdrawn = Retirado
consent-source-sign_up = Al registrarse
consent-source-settings = En la configuración
consent-source-banner = Banner de cookies
consent-source-gpc = Control Global de Privacidad
consent-source-dnt = No rastrear (DNT)
consent-source-api = A través de la API
hold-lift-reason = Motivo para levantarla (obligatorio)
privacy-choices-dnt = Tu navegador envía una señal de No rastrear. La tratamos como una oposición a la analítica.

## Access report
my-data-title = Tus datos
my-data-lead = Todo lo que Koine tiene sobre ti, para qué, con qué base legal y durante cuánto tiempo, leído del mismo mapa de datos que rige la eliminación y la conservación.
my-data-records = { $count } registros
my-data-staff-title = Cuándo nuestro personal consultó tus datos
my-data-staff-none = Ningún miembro del personal ha abierto tus datos.
my-data-teaser = Consulta qué datos tenemos sobre ti y cuándo los consultó nuestro personal.
my-data-open = Ver tus datos

export-title = Descarga una copia de tus datos
export-lead = Reunimos todo lo que guardamos sobre ti en un archivo ZIP: JSON legible por máquina (un archivo por tipo de dato, descrito en schema.json) y copias CSV para hojas de cálculo. Está listo en minutos y te avisamos por correo. Puedes descargarlo durante 7 días, tras volver a introducir tu contraseña.
export-request = Preparar mi exportación
export-requested = Pedida el { $when }
export-expires = Lista; disponible hasta el { $when }
export-download = Descargar el archivo ZIP
export-pending = En preparación. Recarga esta página en un momento.
export-readme = Esta es una copia de los datos personales que Koine guarda sobre ti.

    data/*.json  un archivo por tipo de dato, legible por máquina
    data/*.csv   las mismas filas, para hojas de cálculo
    schema.json  qué significa cada archivo y columna, por qué lo guardamos, con qué base legal y durante cuánto tiempo
    files/       lo que subiste, como tu foto de perfil

    Las demás personas aparecen solo con un seudónimo, nunca con sus datos privados.
    Si tienes preguntas, consulta el aviso de privacidad del sitio Koine que usas.
mail-export-ready-subject = Tu exportación de datos de Koine está lista
mail-export-ready-body = La copia de tus datos que pediste está lista. Inicia sesión y abre Ajustes, luego «Tus datos», para descargarla en un plazo de 7 días. Si no la pediste, cambia tu contraseña.

table-processing-restrictions = Veces que limitaste el uso de tus datos
consent-source-objection = Tu oposición
error-conflict = Esto choca con el estado actual. Recarga la página e inténtalo de nuevo.
objection-title = Oponerte a un uso de tus datos
objection-lead = Puedes oponerte en cualquier momento. Paramos de inmediato y, en el marketing directo, sin excepción.
objection-marketing_email = Dejar de recibir correos de marketing
objection-personalised_recommendations = Detener las recomendaciones personalizadas (elaboración de perfiles)
objection-analytics = Detener la analítica sobre mi uso
restriction-title = Limitar el tratamiento
restriction-lead = Mientras el tratamiento esté limitado, conservamos tus datos pero solo para guardarlos y para reclamaciones legales: tu perfil queda oculto y no hay marketing, analítica ni personalización. Puedes seguir iniciando sesión y levantar la limitación aquí. Úsalo, por ejemplo, mientras impugnas la exactitud de tus datos.
restriction-reason = Motivo (opcional)
restriction-submit = Limitar el tratamiento de mis datos
restriction-active = El tratamiento de tus datos está limitado desde el { $when }. Tu perfil está oculto y tus datos solo se conservan.
restriction-lift = Levantar la limitación

footer-cookies = Cookies
banner-title = Tu elección sobre cookies y tus datos
banner-text = Solo usamos las cookies necesarias para que Koine funcione, salvo que permitas más: cookies de preferencias y de analítica, recomendaciones personalizadas, marketing y compartir datos. Tu elección no cambia ningún precio ni función, y puedes cambiarla cuando quieras desde «Cookies», al pie de cada página.
banner-accept = Aceptar todo
banner-reject = Rechazar todo
banner-choose = Elegir
cookies-title = Cookies y opciones de privacidad
cookies-lead = Elige qué puede hacer Koine más allá de lo estrictamente necesario. Retirar el consentimiento es tan fácil como darlo, y tu elección no cambia ningún precio ni función. «No vender ni compartir mi información personal» significa dejar sin marcar la opción de compartir.
cookies-choose = Lo que permites
cookies-necessary = Siempre activas, porque Koine no funciona sin ellas: las cookies de inicio de sesión y de seguridad, y la que recuerda esta elección.
cookies-save = Guardar mis opciones

table-privacy-requests = Solicitudes de protección de datos que hiciste con nuestro formulario
category-user-name = Tu nombre, tal como lo diste en una solicitud
category-user-content-request = Lo que escribiste en una solicitud
footer-request = Hacer una solicitud de privacidad
request-title = Hacer una solicitud de privacidad
request-lead = Cualquier persona puede usar este formulario, tenga o no cuenta, y los padres o tutores pueden pedir en nombre de un menor. Primero confirmamos tu correo; después respondemos en un mes como máximo (45 días para residentes de California) y te avisamos en cada paso. Los miembros también pueden hacer casi todo ellos mismos en Ajustes.
request-kind = Qué pides
request-kind-access = Una copia de los datos que tenéis sobre mí
request-kind-export = Mis datos en un archivo legible por máquina
request-kind-rectification = Corregir datos sobre mí
request-kind-erasure = Borrar mis datos
request-kind-restriction = Limitar el tratamiento de mis datos
request-kind-objection = Oponerme a un uso de mis datos
request-kind-opt_out_sale = No vender ni compartir mi información personal
request-kind-child_erasure = Borrar los datos de mi hijo o hija
request-relation = De quién son los datos
request-relation-self = Míos
request-relation-parent = De mi hijo o hija (soy su padre, madre o tutor)
request-relation-agent = De alguien a quien represento
request-regime = Dónde vives
request-regime-gdpr = Unión Europea, EEE, Reino Unido u otro lugar
request-regime-ccpa = California
request-name = Tu nombre
request-details = Datos que nos ayuden a encontrar la información (para un menor: su nombre y correo o teléfono)
request-submit = Enviar la solicitud
request-sent = Gracias. Si la dirección es correcta, recibirás un correo con un enlace para confirmar la solicitud. Empezamos cuando esté confirmada.
request-verify-title = Confirma tu solicitud
request-verify-lead = Confirma que hiciste esta solicitud de privacidad.
request-verify-submit = Confirmar la solicitud
request-verified = Tu solicitud está confirmada. Te hemos enviado por correo la fecha límite de nuestra respuesta.
mail-request-subject = Tu solicitud de privacidad a Koine
mail-request-verify-body = Recibimos una solicitud de privacidad hecha con esta dirección de correo. Para confirmarla, abre este enlace: { $url } Si no la hiciste, ignora este correo y no pasará nada.
mail-request-received-body = Tu solicitud ({ $kind }) está confirmada. Responderemos, como tarde, el { $date }.
mail-request-extended-body = Necesitamos más tiempo para responder a tu solicitud, así que hemos ampliado el plazo hasta el { $date }. El motivo: { $reason }
mail-request-completed-body = Hemos completado tu solicitud. { $outcome }
mail-request-rejected-body = No hemos podido atender tu solicitud. { $outcome } Puedes reclamar ante una autoridad de control de protección de datos.
staff-requests-title = Solicitudes de privacidad
staff-requests-none = Aún no hay solicitudes.
staff-requests-received = Recibida
staff-requests-due = Vence
staff-requests-verified = Identidad verificada
staff-requests-status = Estado
staff-requests-overdue = Vencida
staff-requests-yes = Sí
staff-requests-no = Todavía no
staff-requests-account = Cuenta que coincide
staff-requests-no-account = Ninguna
staff-requests-extension = Motivo de la ampliación
staff-requests-extend = Ampliar el plazo
staff-requests-close = Cerrar la solicitud
staff-requests-outcome = Resultado (se envía a quien la hizo)
staff-requests-complete = Completada
staff-requests-reject = Rechazada
request-status-unverified = Esperando confirmación por correo
request-status-open = Abierta
request-status-extended = Abierta, plazo ampliado
request-status-completed = Completada
request-status-rejected = Rechazada
audit-action-view_privacy_request = Abrió una solicitud de privacidad sobre ti

table-guardian-consents = La confirmación de tu padre, madre o tutor
guardian-title = Tu padre, madre o tutor
guardian-email = Su dirección de correo
guardian-ask = Pedirle que confirme
guardian-asked = Hemos enviado a tu padre, madre o tutor un enlace para confirmar.
guardian-confirmed = Tu padre, madre o tutor confirmó el { $when }. Puedes usar todas las funciones.
guardian-confirm-title = Confirmar como padre, madre o tutor
guardian-confirm-lead = Un miembro de Koine menor de 18 años te indicó como su padre, madre o tutor. Confirma para que pueda escribir a profesores y pagar clases. Puedes pedirnos que borremos sus datos en cualquier momento con el formulario de solicitudes de privacidad.
guardian-confirm-submit = Soy su padre, madre o tutor y estoy de acuerdo
guardian-confirm-done = Gracias. Tu confirmación ha quedado registrada.
mail-guardian-subject = Confirma la cuenta de Koine de tu hijo o hija
mail-guardian-body = { $name }, miembro de Koine menor de 18 años, te pide que confirmes su cuenta para poder escribir a profesores y pagar clases. Si eres su padre, madre o tutor y estás de acuerdo, abre: { $url } Si no, ignora este correo; nada cambiará.
mail-guardian-confirmed-subject = Tu padre, madre o tutor confirmó tu cuenta
mail-guardian-confirmed-body = Tu padre, madre o tutor ha confirmado tu cuenta de Koine. Ya puedes usar todas las funciones.
underage-title = Por debajo de la edad mínima
underage-lead = Si este miembro no tiene la edad mínima para usar Koine, su cuenta se desactiva y sus datos se borran de inmediato. El motivo queda registrado.
underage-reason = Cómo lo supiste (queda registrado)
underage-submit = Desactivar y borrar esta cuenta
underage-done = La cuenta se ha desactivado y sus datos se han borrado.
underage-held = Una retención legal conserva los datos de esta cuenta; levántala antes.
underage-reason-needed = Indica cómo lo supiste; el motivo queda registrado.
mail-deleted-underage-body = Hemos cerrado tu cuenta de Koine y borrado sus datos, porque Koine solo puede usarse a partir de la edad mínima. Los registros que la ley nos obliga a guardar se conservan solo el tiempo exigido y sin tu nombre.
audit-action-erase_underage = Cerró tu cuenta por la edad mínima

table-policy-versions = Versiones de este aviso
privacy-updated = Última actualización: { $when }
privacy-who = Quién es responsable de tus datos
privacy-controller = Responsable
privacy-contact = Contacto
privacy-dpo = Delegado de protección de datos
privacy-storage = Dónde se guardan tus datos
privacy-processors = Quién trata datos por encargo nuestro
privacy-processors-none = Nadie: este sitio trata tus datos por sí mismo.
privacy-processor = Encargado
privacy-location = Ubicación
privacy-transfer = Garantía para transferencias internacionales
privacy-no-sale = No vendemos tu información personal y solo la compartimos con terceros si lo permites.
privacy-rights = Tus derechos y cómo ejercerlos
privacy-right-access = Ver y descargar tus datos (acceso, portabilidad)
privacy-right-rectify = Corregir tus datos
privacy-right-erase = Borrar tu cuenta y tus datos
privacy-right-restrict = Limitar el tratamiento, oponerte y gestionar el consentimiento
privacy-right-opt-out = Cookies y «No vender ni compartir mi información personal»
privacy-right-request = Pedírnoslo (también sin cuenta o para tu hijo o hija)
privacy-complain = Puedes reclamar ante una autoridad de control:
privacy-children = Menores
privacy-children-text = Koine puede usarse a partir de los { $age } años. Los miembros menores de 18 necesitan la confirmación de su padre, madre o tutor para escribir a profesores y pagar; los padres pueden pedirnos que borremos los datos de un menor en cualquier momento.
privacy-cookies-text = Antes de que elijas, solo usamos las cookies estrictamente necesarias: inicio de sesión, seguridad (protección de formularios) y la que recuerda tu elección. Las demás necesitan tu consentimiento, que puedes retirar cuando quieras.
privacy-versions = Versiones anteriores
privacy-version-as-of = Este aviso tal como se publicó el { $when }
privacy-version-current = Ver el aviso actual
privacy-kind = Tipo de dato
mail-policy-subject = Hemos cambiado nuestro aviso de privacidad
mail-policy-body = Actualizamos el aviso de privacidad de Koine el { $date }. Puedes leer qué cambió y todas las versiones anteriores en { $url }. Cuando nos basemos en tu consentimiento, te lo pediremos de nuevo antes de hacer nada nuevo.

table-breaches = Registros de brechas de datos personales
table-breach-notices = Avisos de seguridad que te enviamos
category-user-security-breach = Registros de brechas de datos personales
error-in-future = No puede ser una fecha futura.
breach-title = Brechas de seguridad
breach-lead = Registra toda brecha de datos personales. La autoridad de control debe saberlo en las 72 horas siguientes al descubrimiento; las personas afectadas reciben aviso sin demora cuando el riesgo para ellas es alto.
breach-what = Qué pasó
breach-description = Descripción (se envía a las personas afectadas)
breach-discovered = Descubierta
breach-categories = Tipos de datos afectados
breach-record = Registrar una brecha
breach-reported = Comunicada a la autoridad
breach-report-due = Plazo de comunicación (72 horas)
breach-affected = Personas afectadas ahora (según el mapa de datos)
breach-report = Registrar la comunicación a la autoridad
breach-reference = Referencia de la autoridad
breach-notify = Avisar a las personas afectadas (correo y en la aplicación)
breach-notified = Personas avisadas
breach-notice-title = Aviso de seguridad
mail-breach-subject = Importante: un incidente de seguridad afecta a tus datos de Koine
mail-breach-body = Te escribimos para informarte de un incidente de seguridad que afecta a tus datos personales: { $title }. { $description } Si tienes preguntas, escribe al contacto de privacidad que figura en el aviso de privacidad.

records-title = Registro de actividades de tratamiento
records-lead = El registro de actividades de tratamiento (art. 30 del RGPD), generado a partir del mapa de datos y de la configuración del responsable.
records-download = Descargar en JSON
records-controller = Responsable del tratamiento
records-subjects = Interesados
records-version = Versión de la política
records-storage = Lugar de almacenamiento
records-recipients = Destinatarios (encargados del tratamiento)
records-no-processors = No hay encargados configurados: todo funciona en el servidor del propio operador.
records-tables = Dónde se guarda y durante cuánto tiempo
records-measures = Medidas de seguridad

fraud-title = Cerrar por fraude
fraud-lead = La cuenta se cierra y sus datos se borran de inmediato. Se guardan durante 5 años hashes con clave de su correo y su teléfono, para que no puedan usarse en un nuevo registro; el motivo queda registrado.
fraud-reason = En qué consistió el fraude (queda registrado)
fraud-submit = Cerrar la cuenta y bloquear sus identificadores
fraud-done = La cuenta se ha cerrado, sus datos se han borrado y sus identificadores se han bloqueado.
fraud-held = Una retención legal conserva los datos de esta cuenta; levántala antes.
fraud-reason-needed = Indica en qué consistió el fraude; el motivo queda registrado.
mail-deleted-fraud-body = Hemos cerrado tu cuenta de Koine porque se usó para cometer fraude, en contra de nuestras condiciones, y hemos borrado sus datos. Tu correo y tu número de teléfono ya no pueden usarse para abrir una cuenta. Los registros que la ley nos obliga a guardar se conservan solo el tiempo exigido. Si crees que es un error, escribe al contacto de privacidad que figura en nuestro aviso de privacidad.
mail-banned-subject = Sobre tu registro en Koine
mail-banned-body = Alguien ha intentado usar esta dirección para una cuenta de Koine. No puede usarse: una cuenta con ella se cerró por fraude. Si crees que es un error, escribe al contacto de privacidad que figura en nuestro aviso de privacidad.
sms-banned = Koine: este número no puede usarse para una cuenta, porque una cuenta con él se cerró por fraude.
audit-action-ban_fraud = Cerró una cuenta por fraude
table-fraud-bans = Hashes con clave de los identificadores de cuentas cerradas por fraude
category-user-security-fraud_ban = Registros de que una cuenta se cerró por fraude, y por qué

settings-security-log = Actividad de seguridad reciente
settings-security-log-lead = Inicios de sesión y cambios en cómo inicias sesión, del más reciente al más antiguo. Los guardamos 90 días; pasados 7 días solo guardamos la red a la que pertenece una dirección, no la dirección.
security-event-signed_in = Inicio de sesión
security-event-sign_in_failed = Inicio de sesión fallido (contraseña incorrecta)
security-event-reauth_failed = Contraseña incorrecta al confirmar que eras tú
security-event-password_changed = Contraseña cambiada
security-event-password_reset = Contraseña restablecida
security-event-email_confirmed = Correo electrónico confirmado
security-event-phone_confirmed = Número de teléfono confirmado
table-security-events = Inicios de sesión y cambios en cómo inicias sesión
category-user-device-ip_network = La red a la que pertenece una dirección IP (la dirección recortada)
category-user-behavior-security_event = Inicios de sesión, intentos fallidos y cambios de contraseña, correo o teléfono

privacy-source = De dónde procede
source-subject = Tú
source-device = Tu navegador o dispositivo
source-service = Koine
source-staff = El personal de Koine
source-other_person = Tu madre, padre o tutor

disclosure-title = Comunicaciones a terceros
disclosure-lead = Registra cada vez que los datos de este miembro se entregan a alguien ajeno a Koine, como una autoridad que responde a una orden judicial. El miembro ve el registro en «Tus datos».
disclosure-none = No hay comunicaciones registradas.
disclosure-kind = Tipo de destinatario
disclosure-recipient = Destinatario
disclosure-categories = Datos entregados
disclosure-reason = Motivo (base jurídica o referencia de la solicitud; queda registrado)
disclosure-date = Fecha de la entrega
disclosure-submit = Registrar la comunicación
disclosure-recorded = La comunicación se ha registrado; el miembro la verá en «Tus datos».
disclosure-invalid = Indica el destinatario, al menos un tipo de datos, el motivo y una fecha que no sea futura.
recipient-authority = Autoridad
recipient-processor = Proveedor de servicios
recipient-other = Otro
audit-action-record_disclosure = Registró que tus datos se entregaron a alguien ajeno a Koine
my-data-recipients-title = Con quién los compartimos
my-data-recipients-members = Otros miembros y visitantes ven tu perfil tal como elegiste mostrarlo.
my-data-recipients-profile-link = Elige qué muestra tu perfil
my-data-recipients-processors = Estas empresas tratan datos por encargo nuestro, bajo contrato:
my-data-recipients-no-processors = Ninguna empresa trata tus datos por encargo nuestro: todo funciona en nuestro propio servidor.
my-data-disclosures = Entregados a terceros ajenos a Koine
my-data-disclosures-none = Tus datos no se han entregado a nadie ajeno a Koine.
table-disclosures = Registros de tus datos entregados a alguien ajeno a Koine
category-user-legal-disclosure = Registros de tus datos entregados a alguien ajeno a Koine, como una autoridad

correction-title = Correcciones
correction-lead = Tu fecha de nacimiento decide qué partes de Koine puedes usar, así que no puedes cambiarla tú. Si es incorrecta, pídenos que la corrijamos: nuestro delegado de protección de datos responde en un mes y te avisa por correo.
correction-birth-date = Fecha de nacimiento correcta
correction-note = Algo que debamos saber (opcional)
correction-submit = Pedir una corrección
correction-requested = Hemos recibido tu solicitud. Te escribiremos cuando esté resuelta.
correction-requested-title = Corrección solicitada
correction-apply = Aplicar la corrección y cerrar la solicitud
correction-too-young = La fecha de nacimiento corregida está por debajo de la edad mínima: cierra la cuenta en su lugar («Por debajo de la edad mínima» en la página del miembro).
correction-field-birth_date = Fecha de nacimiento
correction-applied-birth_date = Hemos corregido tu fecha de nacimiento como pediste.
error-correction-needs-email = Añade y confirma antes una dirección de correo: respondemos a las solicitudes de corrección por correo.
audit-action-apply_correction = Corrigió tus datos como pediste

consent-again-title = Revisa tus opciones de privacidad
consent-again-lead = Nuestro aviso de privacidad ha cambiado en algo que afecta a lo que aceptaste, así que esos consentimientos quedan en pausa hasta que los vuelvas a dar. Lo que rechazaste no ha cambiado.
consent-again-link = Revisar tus opciones
consent-again-badge = Lo aceptaste antes del cambio: márcalo de nuevo para mantenerlo
