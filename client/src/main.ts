import { mount } from 'svelte';
// The base styles first: the kit's and the screens' styles build on them (same specificity, later wins).
import './app.css';
import App from './App.svelte';
import { i18n } from './lib/i18n/i18n.svelte.ts';

document.documentElement.lang = i18n.locale;
mount(App, { target: document.getElementById('app')! });
