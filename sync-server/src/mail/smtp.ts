import nodemailer from 'nodemailer';
import type { MailTransport } from './types.ts';

export function createSmtpTransport({ smtpUrl, from }: { smtpUrl: string; from: string }): MailTransport {
	const transporter = nodemailer.createTransport(smtpUrl);
	return {
		kind: 'smtp',
		async send(message) {
			await transporter.sendMail({
				from,
				to: message.to,
				subject: message.subject,
				text: message.text,
				...(message.html ? { html: message.html } : {}),
				...(message.attachments.length > 0 && {
					attachments: message.attachments.map((a) => ({
						filename: a.filename,
						contentType: a.contentType,
						content: a.content
					}))
				})
			});
		},
		close() {
			transporter.close();
		}
	};
}
