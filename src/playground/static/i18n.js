// The playground's words in the kiosk's seven languages. `t(key, vars)` looks a key up in the current
// language (English when missing); `language` is a tiny live value the page re-renders from.
export const LANGUAGES = /** @type {const} */ (['en', 'ar', 'es', 'fr', 'de', 'ru', 'zh']);
export const RTL = new Set(['ar']);

const M = {
  'service.title': { en: 'Pay for a service', ar: 'الدفع مقابل خدمة', es: 'Pagar un servicio', fr: 'Payer un service', de: 'Eine Leistung bezahlen', ru: 'Оплатить услугу', zh: '支付服务费' },
  'service.label': { en: 'Service', ar: 'الخدمة', es: 'Servicio', fr: 'Service', de: 'Leistung', ru: 'Услуга', zh: '服务' },
  'service.methodLabel': { en: 'Pay by', ar: 'طريقة الدفع', es: 'Pagar con', fr: 'Payer par', de: 'Zahlen mit', ru: 'Способ оплаты', zh: '支付方式' },
  'service.method.cash': { en: 'Cash', ar: 'نقدا', es: 'Efectivo', fr: 'Espèces', de: 'Bargeld', ru: 'Наличные', zh: '现金' },
  'service.method.card': { en: 'Card', ar: 'بطاقة', es: 'Tarjeta', fr: 'Carte', de: 'Karte', ru: 'Карта', zh: '银行卡' },
  'service.method.split': { en: 'Cash, then card', ar: 'نقدا ثم بالبطاقة', es: 'Efectivo y luego tarjeta', fr: 'Espèces puis carte', de: 'Bar, dann Karte', ru: 'Наличные, затем карта', zh: '先现金后刷卡' },
  'service.cashPart': { en: 'Cash part', ar: 'الجزء النقدي', es: 'Parte en efectivo', fr: 'Part en espèces', de: 'Baranteil', ru: 'Наличными', zh: '现金部分' },
  'service.pay': { en: 'Pay', ar: 'ادفع', es: 'Pagar', fr: 'Payer', de: 'Bezahlen', ru: 'Оплатить', zh: '支付' },
  'service.continue': { en: 'Rest by card', ar: 'الباقي بالبطاقة', es: 'Resto con tarjeta', fr: 'Reste par carte', de: 'Rest mit Karte', ru: 'Остаток картой', zh: '余额刷卡' },
  'service.remaining': { en: 'remaining', ar: 'المتبقي', es: 'pendiente', fr: 'restant', de: 'offen', ru: 'осталось', zh: '剩余' },
  'service.available': { en: 'Available: {methods}', ar: 'متاح: {methods}', es: 'Disponible: {methods}', fr: 'Disponible : {methods}', de: 'Verfügbar: {methods}', ru: 'Доступно: {methods}', zh: '可用：{methods}' },
  'service.unavailable': { en: 'Not available now: {reasons}', ar: 'غير متاح الآن: {reasons}', es: 'No disponible ahora: {reasons}', fr: 'Indisponible pour l’instant : {reasons}', de: 'Derzeit nicht verfügbar: {reasons}', ru: 'Сейчас недоступно: {reasons}', zh: '暂不可用：{reasons}' },
  'service.result': { en: '{state}: paid {paid}, receipt {receipt}', ar: '{state}: المدفوع {paid}، الإيصال {receipt}', es: '{state}: pagado {paid}, recibo {receipt}', fr: '{state} : payé {paid}, reçu {receipt}', de: '{state}: bezahlt {paid}, Beleg {receipt}', ru: '{state}: оплачено {paid}, чек {receipt}', zh: '{state}：已付 {paid}，收据 {receipt}' },
  'checkout.started': { en: 'Starting', ar: 'جار البدء', es: 'Iniciando', fr: 'Démarrage', de: 'Start', ru: 'Начало', zh: '开始' },
  'checkout.insertCash': { en: 'Insert cash', ar: 'أدخل النقود', es: 'Introduzca efectivo', fr: 'Insérez des espèces', de: 'Bargeld einführen', ru: 'Вставьте наличные', zh: '请投入现金' },
  'checkout.cashCredited': { en: 'Cash received', ar: 'تم استلام النقود', es: 'Efectivo recibido', fr: 'Espèces reçues', de: 'Bargeld erhalten', ru: 'Наличные приняты', zh: '已收现金' },
  'checkout.presentCard': { en: 'Present your card', ar: 'قدّم بطاقتك', es: 'Presente su tarjeta', fr: 'Présentez votre carte', de: 'Karte vorhalten', ru: 'Приложите карту', zh: '请出示银行卡' },
  'checkout.printing': { en: 'Printing your receipt', ar: 'جار طباعة الإيصال', es: 'Imprimiendo el recibo', fr: 'Impression du reçu', de: 'Beleg wird gedruckt', ru: 'Печать чека', zh: '正在打印收据' },
  'checkout.paid': { en: 'Paid, thank you', ar: 'تم الدفع، شكرا', es: 'Pagado, gracias', fr: 'Payé, merci', de: 'Bezahlt, danke', ru: 'Оплачено, спасибо', zh: '已支付，谢谢' },
  'checkout.suspended': { en: 'Payment paused', ar: 'تم إيقاف الدفع مؤقتا', es: 'Pago en pausa', fr: 'Paiement suspendu', de: 'Zahlung angehalten', ru: 'Оплата приостановлена', zh: '支付已暂停' },
  'checkout.resumed': { en: 'Payment resumed', ar: 'تم استئناف الدفع', es: 'Pago reanudado', fr: 'Paiement repris', de: 'Zahlung fortgesetzt', ru: 'Оплата возобновлена', zh: '支付已恢复' },
  title: { en: 'Kiosk playground', ar: 'تجربة الكشك', es: 'Banco de pruebas del quiosco', fr: 'Banc d’essai de la borne', de: 'Kiosk-Spielwiese', ru: 'Песочница киоска', zh: '自助终端演示' },
  language: { en: 'Language', ar: 'اللغة', es: 'Idioma', fr: 'Langue', de: 'Sprache', ru: 'Язык', zh: '语言' },
  kiosk: { en: 'Kiosk', ar: 'الكشك', es: 'Quiosco', fr: 'Borne', de: 'Kiosk', ru: 'Киоск', zh: '终端' },
  'bridge.online': { en: 'kioskd online', ar: 'kioskd متصل', es: 'kioskd en línea', fr: 'kioskd en ligne', de: 'kioskd online', ru: 'kioskd в сети', zh: 'kioskd 在线' },
  'bridge.offline': { en: 'kioskd offline', ar: 'kioskd غير متصل', es: 'kioskd sin conexión', fr: 'kioskd hors ligne', de: 'kioskd offline', ru: 'kioskd не в сети', zh: 'kioskd 离线' },
  'broker.down': { en: 'No connection to the broker', ar: 'لا يوجد اتصال بالوسيط', es: 'Sin conexión con el bróker', fr: 'Pas de connexion au broker', de: 'Keine Verbindung zum Broker', ru: 'Нет связи с брокером', zh: '未连接到代理服务器' },
  simulation: { en: 'Simulation', ar: 'محاكاة', es: 'Simulación', fr: 'Simulation', de: 'Simulation', ru: 'Симуляция', zh: '模拟' },
  'status.ready': { en: 'ready', ar: 'جاهز', es: 'listo', fr: 'prêt', de: 'bereit', ru: 'готов', zh: '就绪' },
  'status.busy': { en: 'busy', ar: 'مشغول', es: 'ocupado', fr: 'occupé', de: 'beschäftigt', ru: 'занят', zh: '忙碌' },
  'status.starting': { en: 'starting', ar: 'يبدأ', es: 'iniciando', fr: 'démarrage', de: 'startet', ru: 'запуск', zh: '启动中' },
  'status.offline': { en: 'offline', ar: 'غير متصل', es: 'sin conexión', fr: 'hors ligne', de: 'offline', ru: 'не в сети', zh: '离线' },
  'status.fault': { en: 'fault', ar: 'عطل', es: 'avería', fr: 'panne', de: 'Störung', ru: 'неисправность', zh: '故障' },
  'status.disabled': { en: 'disabled', ar: 'معطّل', es: 'desactivado', fr: 'désactivé', de: 'deaktiviert', ru: 'отключено', zh: '已停用' },
  'status.notFitted': { en: 'not fitted', ar: 'غير مركّب', es: 'no instalado', fr: 'non installé', de: 'nicht eingebaut', ru: 'не установлено', zh: '未安装' },
  'status.unknown': { en: 'waiting…', ar: 'في الانتظار…', es: 'esperando…', fr: 'en attente…', de: 'warte…', ru: 'ожидание…', zh: '等待中…' },
  'alerts.title': { en: 'Alerts', ar: 'التنبيهات', es: 'Alertas', fr: 'Alertes', de: 'Warnungen', ru: 'Оповещения', zh: '警报' },
  'alerts.none': { en: 'No active alerts', ar: 'لا توجد تنبيهات نشطة', es: 'No hay alertas activas', fr: 'Aucune alerte active', de: 'Keine aktiven Warnungen', ru: 'Нет активных оповещений', zh: '没有活动警报' },
  'alert.PAPER_OUT': { en: 'Printer out of paper', ar: 'نفد الورق في الطابعة', es: 'Impresora sin papel', fr: 'Imprimante sans papier', de: 'Drucker ohne Papier', ru: 'В принтере нет бумаги', zh: '打印机缺纸' },
  'alert.PAPER_NEAR_END': { en: 'Printer paper running low', ar: 'ورق الطابعة على وشك النفاد', es: 'Queda poco papel', fr: 'Papier bientôt épuisé', de: 'Druckerpapier fast leer', ru: 'Бумага заканчивается', zh: '打印纸即将用尽' },
  'alert.COVER_OPEN': { en: 'Printer cover open', ar: 'غطاء الطابعة مفتوح', es: 'Tapa de la impresora abierta', fr: 'Capot de l’imprimante ouvert', de: 'Druckerdeckel offen', ru: 'Крышка принтера открыта', zh: '打印机盖已打开' },
  'alert.CASHBOX_NEAR_FULL': { en: 'Cashbox nearly full', ar: 'صندوق النقد ممتلئ تقريبًا', es: 'Caja casi llena', fr: 'Caisse presque pleine', de: 'Kassette fast voll', ru: 'Кассета почти заполнена', zh: '钱箱即将装满' },
  'alert.CASHBOX_FULL': { en: 'Cashbox full', ar: 'صندوق النقد ممتلئ', es: 'Caja llena', fr: 'Caisse pleine', de: 'Kassette voll', ru: 'Кассета заполнена', zh: '钱箱已满' },
  'alert.CASHBOX_REMOVED': { en: 'Cashbox removed', ar: 'تمت إزالة صندوق النقد', es: 'Caja retirada', fr: 'Caisse retirée', de: 'Kassette entnommen', ru: 'Кассета извлечена', zh: '钱箱已取出' },
  'alert.DEVICE_OFFLINE': { en: 'Device offline', ar: 'جهاز غير متصل', es: 'Dispositivo sin conexión', fr: 'Périphérique hors ligne', de: 'Gerät offline', ru: 'Устройство не в сети', zh: '设备离线' },
  'alert.DEVICE_FAULT': { en: 'Device fault', ar: 'عطل في جهاز', es: 'Avería de dispositivo', fr: 'Périphérique en panne', de: 'Gerätestörung', ru: 'Неисправность устройства', zh: '设备故障' },
  'alert.DOOR_OPEN': { en: 'Service door open', ar: 'باب الصيانة مفتوح', es: 'Puerta de servicio abierta', fr: 'Porte de service ouverte', de: 'Servicetür offen', ru: 'Сервисная дверь открыта', zh: '维修门已打开' },
  'alert.TAMPER': { en: 'Tampering detected', ar: 'تم اكتشاف عبث', es: 'Manipulación detectada', fr: 'Effraction détectée', de: 'Manipulation erkannt', ru: 'Обнаружено вмешательство', zh: '检测到篡改' },
  'a11y.title': { en: 'Accessibility and assistance', ar: 'إمكانية الوصول والمساعدة', es: 'Accesibilidad y asistencia', fr: 'Accessibilité et assistance', de: 'Barrierefreiheit und Hilfe', ru: 'Доступность и помощь', zh: '无障碍与协助' },
  'a11y.isOn': { en: 'Accessible mode is on', ar: 'وضع إمكانية الوصول مفعّل', es: 'El modo accesible está activado', fr: 'Le mode accessible est activé', de: 'Der barrierefreie Modus ist an', ru: 'Режим доступности включён', zh: '无障碍模式已开启' },
  'a11y.isOff': { en: 'Accessible mode is off', ar: 'وضع إمكانية الوصول غير مفعّل', es: 'El modo accesible está desactivado', fr: 'Le mode accessible est désactivé', de: 'Der barrierefreie Modus ist aus', ru: 'Режим доступности выключен', zh: '无障碍模式已关闭' },
  'a11y.turnOn': { en: 'Turn accessible mode on', ar: 'تفعيل وضع إمكانية الوصول', es: 'Activar el modo accesible', fr: 'Activer le mode accessible', de: 'Barrierefreien Modus einschalten', ru: 'Включить режим доступности', zh: '开启无障碍模式' },
  'a11y.turnOff': { en: 'Turn accessible mode off', ar: 'إيقاف وضع إمكانية الوصول', es: 'Desactivar el modo accesible', fr: 'Désactiver le mode accessible', de: 'Barrierefreien Modus ausschalten', ru: 'Выключить режим доступности', zh: '关闭无障碍模式' },
  'a11y.end': { en: 'End of session (reset)', ar: 'نهاية الجلسة (إعادة ضبط)', es: 'Fin de la sesión (restablecer)', fr: 'Fin de session (réinitialiser)', de: 'Sitzungsende (zurücksetzen)', ru: 'Конец сеанса (сброс)', zh: '结束会话（重置）' },
  'a11y.headset': { en: 'Headset', ar: 'سماعة الرأس', es: 'Auriculares', fr: 'Casque', de: 'Kopfhörer', ru: 'Гарнитура', zh: '耳机' },
  'a11y.time': { en: 'time allowed ×{scale}', ar: 'الوقت المسموح ×{scale}', es: 'tiempo permitido ×{scale}', fr: 'temps accordé ×{scale}', de: 'Zeit ×{scale}', ru: 'время ×{scale}', zh: '允许时间 ×{scale}' },
  'assist.call': { en: 'Call for assistance', ar: 'طلب المساعدة', es: 'Pedir asistencia', fr: 'Demander de l’aide', de: 'Hilfe rufen', ru: 'Вызвать помощь', zh: '呼叫协助' },
  'assist.waiting': { en: 'Assistance called ({presses}×): a member of staff is on the way', ar: 'تم طلب المساعدة ({presses}×): أحد الموظفين في الطريق', es: 'Asistencia solicitada ({presses}×): un empleado está en camino', fr: 'Aide demandée ({presses}×) : un agent arrive', de: 'Hilfe gerufen ({presses}×): jemand ist unterwegs', ru: 'Помощь вызвана ({presses}×): сотрудник уже идёт', zh: '已呼叫协助（{presses}×）：工作人员正在赶来' },
  'assist.none': { en: 'No call for assistance', ar: 'لا يوجد طلب مساعدة', es: 'No hay solicitudes de asistencia', fr: 'Aucune demande d’aide', de: 'Kein Hilferuf', ru: 'Вызовов помощи нет', zh: '没有协助请求' },
  'assist.acked': { en: 'Last call acknowledged by {who}', ar: 'تم الرد على آخر طلب من {who}', es: 'Última solicitud atendida por {who}', fr: 'Dernière demande prise en charge par {who}', de: 'Letzter Ruf bestätigt von {who}', ru: 'Последний вызов принят: {who}', zh: '上次请求已由 {who} 确认' },
  'sim.headset': { en: 'Plug/unplug the headset', ar: 'توصيل/فصل سماعة الرأس', es: 'Conectar/desconectar los auriculares', fr: 'Brancher/débrancher le casque', de: 'Kopfhörer ein-/ausstecken', ru: 'Подключить/отключить гарнитуру', zh: '插入/拔出耳机' },
  'sim.assist': { en: 'Press/release the assistance button', ar: 'ضغط/تحرير زر المساعدة', es: 'Pulsar/soltar el botón de asistencia', fr: 'Appuyer/relâcher le bouton d’aide', de: 'Hilfetaste drücken/loslassen', ru: 'Нажать/отпустить кнопку помощи', zh: '按下/松开协助按钮' },
  'alert.ASSISTANCE_REQUESTED': { en: 'Assistance requested', ar: 'تم طلب المساعدة', es: 'Asistencia solicitada', fr: 'Aide demandée', de: 'Hilfe angefordert', ru: 'Запрошена помощь', zh: '已请求协助' },
  'scanner.title': { en: 'ID scanner', ar: 'ماسح الهوية', es: 'Escáner de identidad', fr: 'Lecteur de pièces d’identité', de: 'Ausweisleser', ru: 'Сканер документов', zh: '证件扫描仪' },
  'scanner.arm': { en: 'Scan an ID', ar: 'مسح الهوية', es: 'Escanear un documento', fr: 'Lire une pièce d’identité', de: 'Ausweis scannen', ru: 'Сканировать документ', zh: '扫描证件' },
  'scanner.disarm': { en: 'Stop scanning', ar: 'إيقاف المسح', es: 'Detener', fr: 'Arrêter', de: 'Beenden', ru: 'Остановить', zh: '停止扫描' },
  'scanner.armed': { en: 'Place the ID document on the reader', ar: 'ضع وثيقة الهوية على القارئ', es: 'Coloque el documento en el lector', fr: 'Posez la pièce d’identité sur le lecteur', de: 'Legen Sie den Ausweis auf den Leser', ru: 'Положите документ на считыватель', zh: '请将证件放在读卡器上' },
  'scanner.idle': { en: 'The scanner is not armed', ar: 'الماسح غير مفعّل', es: 'El escáner no está activo', fr: 'Le lecteur n’est pas armé', de: 'Der Leser ist nicht aktiv', ru: 'Сканер не активен', zh: '扫描仪未启用' },
  'scanner.valid': { en: 'Valid document', ar: 'وثيقة صالحة', es: 'Documento válido', fr: 'Document valide', de: 'Gültiges Dokument', ru: 'Документ действителен', zh: '证件有效' },
  'scanner.invalid': { en: 'Could not verify the document', ar: 'تعذّر التحقق من الوثيقة', es: 'No se pudo verificar el documento', fr: 'Impossible de vérifier le document', de: 'Dokument konnte nicht geprüft werden', ru: 'Не удалось проверить документ', zh: '无法验证证件' },
  'scanner.expired': { en: 'Expired', ar: 'منتهية الصلاحية', es: 'Caducado', fr: 'Expiré', de: 'Abgelaufen', ru: 'Просрочен', zh: '已过期' },
  'scanner.barcode': { en: 'Barcode', ar: 'الرمز الشريطي', es: 'Código de barras', fr: 'Code-barres', de: 'Barcode', ru: 'Штрихкод', zh: '条形码' },
  'field.documentType': { en: 'Type', ar: 'النوع', es: 'Tipo', fr: 'Type', de: 'Art', ru: 'Тип', zh: '类型' },
  'field.documentNumber': { en: 'Document no.', ar: 'رقم الوثيقة', es: 'N.º de documento', fr: 'N° du document', de: 'Dokumentnr.', ru: '№ документа', zh: '证件号码' },
  'field.surname': { en: 'Surname', ar: 'اسم العائلة', es: 'Apellidos', fr: 'Nom', de: 'Nachname', ru: 'Фамилия', zh: '姓' },
  'field.givenNames': { en: 'Given names', ar: 'الاسم', es: 'Nombre', fr: 'Prénoms', de: 'Vornamen', ru: 'Имя', zh: '名' },
  'field.nationality': { en: 'Nationality', ar: 'الجنسية', es: 'Nacionalidad', fr: 'Nationalité', de: 'Staatsangehörigkeit', ru: 'Гражданство', zh: '国籍' },
  'field.birthDate': { en: 'Date of birth', ar: 'تاريخ الميلاد', es: 'Fecha de nacimiento', fr: 'Date de naissance', de: 'Geburtsdatum', ru: 'Дата рождения', zh: '出生日期' },
  'field.expiryDate': { en: 'Expiry', ar: 'تاريخ الانتهاء', es: 'Caducidad', fr: 'Expiration', de: 'Gültig bis', ru: 'Срок действия', zh: '有效期至' },
  'fee.label': { en: 'Fee', ar: 'الرسوم', es: 'Tasa', fr: 'Frais', de: 'Gebühr', ru: 'Сбор', zh: '费用' },
  'fee.service': { en: 'Certificate of good conduct', ar: 'شهادة حسن السيرة والسلوك', es: 'Certificado de buena conducta', fr: 'Certificat de bonne conduite', de: 'Führungszeugnis', ru: 'Справка о несудимости', zh: '无犯罪记录证明' },
  'card.title': { en: 'Card payment', ar: 'الدفع بالبطاقة', es: 'Pago con tarjeta', fr: 'Paiement par carte', de: 'Kartenzahlung', ru: 'Оплата картой', zh: '刷卡支付' },
  'card.pay': { en: 'Pay by card', ar: 'ادفع بالبطاقة', es: 'Pagar con tarjeta', fr: 'Payer par carte', de: 'Mit Karte zahlen', ru: 'Оплатить картой', zh: '刷卡支付' },
  cancel: { en: 'Cancel', ar: 'إلغاء', es: 'Cancelar', fr: 'Annuler', de: 'Abbrechen', ru: 'Отмена', zh: '取消' },
  'result.approved': { en: 'Payment approved', ar: 'تمت الموافقة على الدفع', es: 'Pago aprobado', fr: 'Paiement accepté', de: 'Zahlung genehmigt', ru: 'Платёж одобрен', zh: '支付成功' },
  'result.declined': { en: 'Payment declined', ar: 'تم رفض الدفع', es: 'Pago rechazado', fr: 'Paiement refusé', de: 'Zahlung abgelehnt', ru: 'Платёж отклонён', zh: '支付被拒绝' },
  'result.cancelled': { en: 'Payment cancelled', ar: 'تم إلغاء الدفع', es: 'Pago cancelado', fr: 'Paiement annulé', de: 'Zahlung abgebrochen', ru: 'Платёж отменён', zh: '支付已取消' },
  'result.failed': { en: 'Payment failed', ar: 'فشل الدفع', es: 'El pago falló', fr: 'Échec du paiement', de: 'Zahlung fehlgeschlagen', ru: 'Сбой платежа', zh: '支付失败' },
  'cash.title': { en: 'Cash payment', ar: 'الدفع نقدًا', es: 'Pago en efectivo', fr: 'Paiement en espèces', de: 'Barzahlung', ru: 'Оплата наличными', zh: '现金支付' },
  'cash.pay': { en: 'Pay in cash', ar: 'ادفع نقدًا', es: 'Pagar en efectivo', fr: 'Payer en espèces', de: 'Bar zahlen', ru: 'Оплатить наличными', zh: '现金支付' },
  'cash.insert': { en: 'Insert notes: {paid} of {due} paid', ar: 'أدخل الأوراق النقدية: تم دفع {paid} من {due}', es: 'Introduzca billetes: {paid} de {due} pagado', fr: 'Insérez des billets : {paid} sur {due} payés', de: 'Scheine einführen: {paid} von {due} bezahlt', ru: 'Вносите купюры: оплачено {paid} из {due}', zh: '请放入纸币：已付 {paid}，共 {due}' },
  'cash.returned': { en: 'Note returned ({amount}): it would pay too much', ar: 'أُعيدت الورقة النقدية ({amount}): المبلغ أكبر من المطلوب', es: 'Billete devuelto ({amount}): pagaría de más', fr: 'Billet rendu ({amount}) : il paierait trop', de: 'Schein zurückgegeben ({amount}): zu viel', ru: 'Купюра возвращена ({amount}): это больше суммы', zh: '纸币已退回（{amount}）：金额超出' },
  'cash.rejected': { en: 'Not accepted, please try another note', ar: 'غير مقبولة، جرّب ورقة أخرى', es: 'No aceptado, pruebe con otro billete', fr: 'Refusé, essayez un autre billet', de: 'Nicht angenommen, bitte anderen Schein', ru: 'Не принято, попробуйте другую купюру', zh: '未被接受，请换一张纸币' },
  'cash.paid': { en: 'Paid {total}', ar: 'تم دفع {total}', es: 'Pagado {total}', fr: '{total} payés', de: '{total} bezahlt', ru: 'Оплачено {total}', zh: '已付 {total}' },
  'cash.ended': { en: 'Cash payment ended: {status}, {total} taken', ar: 'انتهى الدفع النقدي: {status}، تم استلام {total}', es: 'Pago en efectivo terminado: {status}, {total} recibido', fr: 'Paiement en espèces terminé : {status}, {total} reçus', de: 'Barzahlung beendet: {status}, {total} erhalten', ru: 'Оплата наличными завершена: {status}, получено {total}', zh: '现金支付结束：{status}，已收 {total}' },
  'printer.title': { en: 'Receipt printer', ar: 'طابعة الإيصالات', es: 'Impresora de recibos', fr: 'Imprimante de reçus', de: 'Belegdrucker', ru: 'Принтер чеков', zh: '收据打印机' },
  'printer.preview': { en: 'Preview receipt', ar: 'معاينة الإيصال', es: 'Vista previa', fr: 'Aperçu du reçu', de: 'Beleg-Vorschau', ru: 'Просмотр чека', zh: '预览收据' },
  'printer.print': { en: 'Print receipt', ar: 'طباعة الإيصال', es: 'Imprimir recibo', fr: 'Imprimer le reçu', de: 'Beleg drucken', ru: 'Напечатать чек', zh: '打印收据' },
  'printer.printed': { en: 'Receipt printed, please take it', ar: 'تمت طباعة الإيصال، يرجى أخذه', es: 'Recibo impreso, recójalo', fr: 'Reçu imprimé, veuillez le prendre', de: 'Beleg gedruckt, bitte entnehmen', ru: 'Чек напечатан, заберите его', zh: '收据已打印，请取走' },
  'printer.paper': { en: 'Paper: {paper}', ar: 'الورق: {paper}', es: 'Papel: {paper}', fr: 'Papier : {paper}', de: 'Papier: {paper}', ru: 'Бумага: {paper}', zh: '纸张：{paper}' },
  'paper.ok': { en: 'ok', ar: 'متوفر', es: 'correcto', fr: 'ok', de: 'ok', ru: 'в норме', zh: '正常' },
  'paper.near_end': { en: 'running low', ar: 'على وشك النفاد', es: 'casi agotado', fr: 'presque épuisé', de: 'fast leer', ru: 'заканчивается', zh: '即将用尽' },
  'paper.out': { en: 'out', ar: 'نفد', es: 'agotado', fr: 'épuisé', de: 'leer', ru: 'закончилась', zh: '已用尽' },
  'paper.unknown': { en: 'unknown', ar: 'غير معروف', es: 'desconocido', fr: 'inconnu', de: 'unbekannt', ru: 'неизвестно', zh: '未知' },
  'phase.rendering': { en: 'Preparing', ar: 'جارٍ التحضير', es: 'Preparando', fr: 'Préparation', de: 'Vorbereitung', ru: 'Подготовка', zh: '准备中' },
  'phase.sending': { en: 'Printing', ar: 'جارٍ الطباعة', es: 'Imprimiendo', fr: 'Impression', de: 'Druckt', ru: 'Печать', zh: '正在打印' },
  'phase.finishing': { en: 'Finishing', ar: 'جارٍ الإنهاء', es: 'Terminando', fr: 'Finition', de: 'Abschluss', ru: 'Завершение', zh: '即将完成' },
  'phase.done': { en: 'Done', ar: 'تم', es: 'Hecho', fr: 'Terminé', de: 'Fertig', ru: 'Готово', zh: '完成' },
  'phase.failed': { en: 'Failed', ar: 'فشل', es: 'Falló', fr: 'Échec', de: 'Fehlgeschlagen', ru: 'Сбой', zh: '失败' },
  'receipt.title': { en: 'Receipt', ar: 'إيصال', es: 'Recibo', fr: 'Reçu', de: 'Beleg', ru: 'Квитанция', zh: '收据' },
  'receipt.paidBy': { en: 'Paid by', ar: 'طريقة الدفع', es: 'Pagado con', fr: 'Payé par', de: 'Bezahlt mit', ru: 'Способ оплаты', zh: '支付方式' },
  'receipt.reference': { en: 'Reference', ar: 'المرجع', es: 'Referencia', fr: 'Référence', de: 'Referenz', ru: 'Номер', zh: '编号' },
  'receipt.thanks': { en: 'Thank you', ar: 'شكرًا لكم', es: 'Gracias', fr: 'Merci', de: 'Vielen Dank', ru: 'Спасибо', zh: '谢谢' },
  'method.card': { en: 'card', ar: 'بطاقة', es: 'tarjeta', fr: 'carte', de: 'Karte', ru: 'карта', zh: '银行卡' },
  'method.cash': { en: 'cash', ar: 'نقدًا', es: 'efectivo', fr: 'espèces', de: 'bar', ru: 'наличные', zh: '现金' },
  'audio.title': { en: 'Speech', ar: 'الكلام', es: 'Voz', fr: 'Parole', de: 'Sprachausgabe', ru: 'Речь', zh: '语音' },
  'audio.text': { en: 'Text to say', ar: 'النص المنطوق', es: 'Texto que decir', fr: 'Texte à dire', de: 'Zu sprechender Text', ru: 'Текст для озвучивания', zh: '要朗读的文字' },
  'audio.sample': { en: 'Welcome. Please place your ID on the reader.', ar: 'أهلا وسهلا. يرجى وضع الهوية على القارئ.', es: 'Bienvenido. Coloque su documento en el lector.', fr: 'Bienvenue. Veuillez poser votre pièce d’identité sur le lecteur.', de: 'Willkommen. Bitte legen Sie Ihren Ausweis auf den Leser.', ru: 'Добро пожаловать. Положите документ на считыватель.', zh: '欢迎。请将证件放在读卡器上。' },
  'audio.say': { en: 'Say', ar: 'انطق', es: 'Decir', fr: 'Dire', de: 'Sprechen', ru: 'Сказать', zh: '朗读' },
  'audio.sayFee': { en: 'Say the fee', ar: 'انطق الرسوم', es: 'Decir la tasa', fr: 'Dire les frais', de: 'Gebühr ansagen', ru: 'Озвучить сбор', zh: '朗读费用' },
  'audio.feeIs': { en: 'The fee is', ar: 'الرسوم', es: 'La tasa es de', fr: 'Les frais sont de', de: 'Die Gebühr beträgt', ru: 'Сбор составляет', zh: '费用是' },
  'audio.repeat': { en: 'Repeat', ar: 'كرّر', es: 'Repetir', fr: 'Répéter', de: 'Wiederholen', ru: 'Повторить', zh: '重复' },
  'audio.stop': { en: 'Stop', ar: 'إيقاف', es: 'Parar', fr: 'Arrêter', de: 'Stopp', ru: 'Стоп', zh: '停止' },
  'audio.quieter': { en: 'Quieter', ar: 'أخفض', es: 'Más bajo', fr: 'Moins fort', de: 'Leiser', ru: 'Тише', zh: '小声' },
  'audio.louder': { en: 'Louder', ar: 'أعلى', es: 'Más alto', fr: 'Plus fort', de: 'Lauter', ru: 'Громче', zh: '大声' },
  'audio.speaking': { en: 'Speaking', ar: 'يتحدث', es: 'Hablando', fr: 'Parle', de: 'Spricht', ru: 'Говорит', zh: '正在朗读' },
  'audio.quiet': { en: 'Silent', ar: 'صامت', es: 'En silencio', fr: 'Silencieux', de: 'Still', ru: 'Тихо', zh: '静音' },
  'audio.volume': { en: 'Volume', ar: 'مستوى الصوت', es: 'Volumen', fr: 'Volume', de: 'Lautstärke', ru: 'Громкость', zh: '音量' },
  'audio.played': { en: 'Last sound:', ar: 'آخر صوت:', es: 'Último sonido:', fr: 'Dernier son :', de: 'Letzter Ton:', ru: 'Последний звук:', zh: '上一个声音：' },
  'gpio.title': { en: 'Guide lights and sensors', ar: 'أضواء الإرشاد والحساسات', es: 'Luces guía y sensores', fr: 'Voyants et capteurs', de: 'Leitlichter und Sensoren', ru: 'Подсветка и датчики', zh: '指示灯与传感器' },
  'gpio.lights': { en: 'Lights', ar: 'الأضواء', es: 'Luces', fr: 'Voyants', de: 'Lichter', ru: 'Подсветка', zh: '指示灯' },
  'gpio.sensors': { en: 'Sensors', ar: 'الحساسات', es: 'Sensores', fr: 'Capteurs', de: 'Sensoren', ru: 'Датчики', zh: '传感器' },
  on: { en: 'on', ar: 'تشغيل', es: 'encendido', fr: 'allumé', de: 'an', ru: 'вкл.', zh: '开' },
  off: { en: 'off', ar: 'إيقاف', es: 'apagado', fr: 'éteint', de: 'aus', ru: 'выкл.', zh: '关' },
  'health.title': { en: 'Health', ar: 'الحالة الصحية', es: 'Estado', fr: 'Santé', de: 'Zustand', ru: 'Состояние', zh: '运行状况' },
  'health.uptime': { en: 'Uptime', ar: 'مدة التشغيل', es: 'Tiempo activo', fr: 'Disponibilité', de: 'Laufzeit', ru: 'Время работы', zh: '运行时间' },
  'health.cpu': { en: 'CPU temperature', ar: 'حرارة المعالج', es: 'Temperatura CPU', fr: 'Température CPU', de: 'CPU-Temperatur', ru: 'Температура ЦП', zh: 'CPU 温度' },
  'health.memory': { en: 'Free memory', ar: 'الذاكرة المتاحة', es: 'Memoria libre', fr: 'Mémoire libre', de: 'Freier Speicher', ru: 'Свободная память', zh: '可用内存' },
  'health.disk': { en: 'Free disk', ar: 'المساحة المتاحة', es: 'Disco libre', fr: 'Disque libre', de: 'Freier Speicher (Disk)', ru: 'Свободно на диске', zh: '可用磁盘' },
  'sim.title': { en: 'Simulator', ar: 'المحاكي', es: 'Simulador', fr: 'Simulateur', de: 'Simulator', ru: 'Симулятор', zh: '模拟器' },
  'sim.td1': { en: 'Show an ID card', ar: 'إظهار بطاقة هوية', es: 'Mostrar un DNI', fr: 'Présenter une carte d’identité', de: 'Ausweis vorlegen', ru: 'Показать ID-карту', zh: '出示身份证' },
  'sim.td3': { en: 'Show a passport', ar: 'إظهار جواز سفر', es: 'Mostrar un pasaporte', fr: 'Présenter un passeport', de: 'Reisepass vorlegen', ru: 'Показать паспорт', zh: '出示护照' },
  'sim.badCheck': { en: 'Show a damaged ID', ar: 'إظهار هوية تالفة', es: 'Mostrar un DNI dañado', fr: 'Présenter une pièce abîmée', de: 'Beschädigten Ausweis vorlegen', ru: 'Показать повреждённый документ', zh: '出示损坏的证件' },
  'sim.qr': { en: 'Scan a QR code', ar: 'مسح رمز QR', es: 'Escanear un código QR', fr: 'Scanner un code QR', de: 'QR-Code scannen', ru: 'Сканировать QR-код', zh: '扫描二维码' },
  'sim.approve': { en: 'Next card: approve', ar: 'البطاقة التالية: موافقة', es: 'Próxima tarjeta: aprobar', fr: 'Carte suivante : accepter', de: 'Nächste Karte: genehmigen', ru: 'Следующая карта: одобрить', zh: '下一张卡：批准' },
  'sim.decline': { en: 'Next card: decline', ar: 'البطاقة التالية: رفض', es: 'Próxima tarjeta: rechazar', fr: 'Carte suivante : refuser', de: 'Nächste Karte: ablehnen', ru: 'Следующая карта: отклонить', zh: '下一张卡：拒绝' },
  'sim.customerCancel': { en: 'Customer cancels at the terminal', ar: 'العميل يلغي على الجهاز', es: 'El cliente cancela en el terminal', fr: 'Le client annule sur le terminal', de: 'Kunde bricht am Terminal ab', ru: 'Клиент отменяет на терминале', zh: '客户在终端上取消' },
  'sim.note': { en: 'Insert {amount}', ar: 'إدخال {amount}', es: 'Introducir {amount}', fr: 'Insérer {amount}', de: '{amount} einführen', ru: 'Внести {amount}', zh: '放入 {amount}' },
  'sim.fake': { en: 'Insert a fake note', ar: 'إدخال ورقة مزيفة', es: 'Introducir un billete falso', fr: 'Insérer un faux billet', de: 'Falschgeld einführen', ru: 'Внести фальшивую купюру', zh: '放入假钞' },
  'sim.paperOut': { en: 'Run out of paper', ar: 'نفاد الورق', es: 'Quedarse sin papel', fr: 'Plus de papier', de: 'Papier leer', ru: 'Закончилась бумага', zh: '纸张用尽' },
  'sim.paperOk': { en: 'Load paper', ar: 'تحميل الورق', es: 'Cargar papel', fr: 'Charger du papier', de: 'Papier einlegen', ru: 'Заправить бумагу', zh: '装纸' },
  'sim.coverOpen': { en: 'Open the cover', ar: 'فتح الغطاء', es: 'Abrir la tapa', fr: 'Ouvrir le capot', de: 'Deckel öffnen', ru: 'Открыть крышку', zh: '打开盖子' },
  'sim.coverClose': { en: 'Close the cover', ar: 'إغلاق الغطاء', es: 'Cerrar la tapa', fr: 'Fermer le capot', de: 'Deckel schließen', ru: 'Закрыть крышку', zh: '关闭盖子' },
  'sim.input': { en: 'Drive input', ar: 'تشغيل المدخل', es: 'Accionar entrada', fr: 'Actionner l’entrée', de: 'Eingang schalten', ru: 'Переключить вход', zh: '切换输入' },
  error: { en: 'Error {code}: {message}', ar: 'خطأ {code}: {message}', es: 'Error {code}: {message}', fr: 'Erreur {code} : {message}', de: 'Fehler {code}: {message}', ru: 'Ошибка {code}: {message}', zh: '错误 {code}：{message}' },
};

let current = 'en';
const listeners = new Set();

/** The message for `key` in the current language, with `{name}` replaced from `vars`. */
/** Whether a key exists (alert codes without a translation fall back to the daemon's English). */
export function has(key) {
  return key in M;
}

export function t(key, vars = {}) {
  const entry = M[key];
  const text = entry ? (entry[current] ?? entry.en) : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

export function getLanguage() {
  return current;
}

/** Switch language: sets <html lang dir>, relabels [data-i18n] elements, tells every listener. */
export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : 'en';
  document.documentElement.lang = current;
  document.documentElement.dir = RTL.has(current) ? 'rtl' : 'ltr';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const fn of listeners) fn(current);
}

/** Call `fn` on every language change. */
export function onLanguage(fn) {
  listeners.add(fn);
}

/** Money in minor units, formatted for the current language. */
export function money(minor, currency) {
  const digits = ['KWD', 'BHD', 'OMR'].includes(currency) ? 3 : 2;
  const locale = current === 'zh' ? 'zh-CN' : current;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** Every language's keys exist (checked by the unit test). */
export const MESSAGES = M;
